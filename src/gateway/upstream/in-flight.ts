import type { GatewayRuntime } from "../gateway-types";

/** Counts one more request in flight to `providerId` (least_connections reads these). */
export function acquireInFlight(rt: GatewayRuntime, providerId: string): void {
  rt.inFlight.set(providerId, (rt.inFlight.get(providerId) ?? 0) + 1);
}

/** Counts one request to `providerId` as finished. */
export function releaseInFlight(rt: GatewayRuntime, providerId: string): void {
  const n = rt.inFlight.get(providerId) ?? 0;
  if (n <= 1) rt.inFlight.delete(providerId);
  else rt.inFlight.set(providerId, n - 1);
}
