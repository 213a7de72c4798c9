import { AppError } from "../../core/errors/catalogue";
import type { GatewayRuntime } from "../gateway-types";
import { epochMs } from "../context/clock";

/**
 * What a limit check does when the state store is unreachable: fail open (default: the request goes
 * through unlimited, a warning is logged at most every 10 s) or fail closed (503 STORE_UNAVAILABLE).
 */

const WARN_INTERVAL_MS = 10_000;
// Per gateway, not per process: two gateways in one process (tests, scale-out in one host) each warn.
const lastWarnAt = new WeakMap<GatewayRuntime, number>();

/** True at most once per WARN_INTERVAL_MS per gateway (both kinds of warning share it: an outage logs little). */
function claimWarning(rt: GatewayRuntime): boolean {
  const t = epochMs();
  if (t - (lastWarnAt.get(rt) ?? 0) < WARN_INTERVAL_MS) return false;
  lastWarnAt.set(rt, t);
  return true;
}

/**
 * Handles a store error met while enforcing `what` for request `requestId`; throws STORE_UNAVAILABLE
 * when failing closed. The throttled warning names the request that met the failure first.
 */
export function handleStoreFailure(rt: GatewayRuntime, err: unknown, what: string, requestId: string): void {
  const closed = rt.options.stateStoreFailure === "closed";
  if (claimWarning(rt)) {
    rt.logger.warn(
      {
        requestId,
        err: err instanceof Error ? err.message : String(err),
        limit: what,
        failure: closed ? "closed" : "open",
      },
      closed
        ? "state store unavailable; requests that need a limit are refused"
        : "state store unavailable; limits and caps are not enforced",
    );
  }
  if (closed) throw new AppError("STORE_UNAVAILABLE");
}

/** Logs a failed background store call (a slot release of request `requestId`) without ever throwing. */
export function warnStoreFailure(rt: GatewayRuntime, err: unknown, what: string, requestId: string): void {
  if (!claimWarning(rt)) return;
  rt.logger.warn(
    { requestId, err: err instanceof Error ? err.message : String(err), limit: what },
    "state store call failed",
  );
}
