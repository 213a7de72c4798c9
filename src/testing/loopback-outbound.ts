import { parseOutboundAllow, type OutboundPolicy } from "../core/outbound/allow-list";

/**
 * Tests and the benchmark talk to mock upstreams and receivers on loopback, which the outbound guard
 * refuses by default. They allow it EXPLICITLY, exactly as an operator would: through OUTBOUND_ALLOW.
 */
export const LOOPBACK_OUTBOUND_ALLOW = "127.0.0.0/8,::1";

/** The outbound policy of `OUTBOUND_ALLOW=127.0.0.0/8,::1`. */
export function loopbackOutboundPolicy(): OutboundPolicy {
  const parsed = parseOutboundAllow(LOOPBACK_OUTBOUND_ALLOW);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.policy;
}
