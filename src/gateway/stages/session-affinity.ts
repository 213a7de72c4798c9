import { deriveSessionKey } from "../../core/routing/session-key";
import type { OutcomeRecorder } from "../context/outcome-recorder";
import type { Arrival, Route } from "../context/request-facts";
import type { RequestModel } from "../../core/routing/request-model";
import type { GatewayRuntime } from "../gateway-types";
import type { SnapshotGroup, SnapshotKey } from "../snapshot/snapshot-types";

/**
 * Session affinity for prompt caches (issue 16): a conversation goes back to the provider that served
 * it, so the upstream's prompt cache is hit. The session key (core/routing/session-key.ts) maps to a
 * provider id in the state store (memory, or Redis shared by every instance) with a sliding TTL: the
 * lookup (GETEX) restarts it. The sticky provider is only a preference for the first pick
 * (choose-member.ts): ejected, at its cap, not serving the model, or in a worse tier than an
 * available one, it is skipped and the session moves (logged as `moved`, and re-stuck to the provider
 * that answered). New sessions are placed by the group's strategy, so weights hold over sessions.
 * A store failure costs only the affinity (logged), never the request.
 */

/** The request's session and the provider it is stuck to (null: new or expired session). */
export interface AffinityState {
  readonly storeKey: string;
  readonly ttlMs: number;
  readonly stuckProviderId: string | null;
}

/** Parses a JSON body for the session key's fields; undefined when too big or not JSON. */
function parseBody(body: Buffer, maxBytes: number): unknown {
  if (body.length === 0 || body.length > maxBytes || body[0] !== 0x7b /* "{" */) return undefined;
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads the session's sticky provider (sliding its TTL); null when the group has affinity off. */
export async function lookupAffinity(
  rt: GatewayRuntime,
  arrival: Arrival,
  route: Route,
  key: SnapshotKey,
  group: SnapshotGroup,
  body: Buffer,
  model: RequestModel | null,
): Promise<AffinityState | null> {
  const settings = group.affinity;
  if (settings === null) return null;
  const header = arrival.req.headers[settings.header];
  const session = deriveSessionKey({
    headerValue: Array.isArray(header) ? header[0] : header,
    body: parseBody(body, rt.options.usageBodyLimitBytes),
    keyId: key.id,
    model: model?.model ?? route.path,
  });
  const storeKey = `aff:${group.id}:${session.key}`;
  let stuckProviderId: string | null = null;
  try {
    stuckProviderId = await rt.store.getAndTouch(storeKey, settings.ttlMs);
  } catch (err) {
    rt.logger.warn(
      { requestId: arrival.requestId, err: (err as Error).message },
      "session affinity lookup failed; placing the request as a new session",
    );
  }
  return { storeKey, ttlMs: settings.ttlMs, stuckProviderId };
}

/** Records where the session went (hit, moved or miss) and sticks it to `providerId` when it changed. */
export function rememberAffinity(
  rt: GatewayRuntime,
  requestId: string,
  state: AffinityState,
  providerId: string,
  outcome: OutcomeRecorder,
): void {
  const stuck = state.stuckProviderId;
  outcome.affinity = stuck === null ? "miss" : stuck === providerId ? "hit" : "moved";
  if (stuck === providerId) return;
  rt.store.set(state.storeKey, providerId, { ttlMs: state.ttlMs }).catch((err: unknown) => {
    rt.logger.warn({ requestId, err: (err as Error).message }, "session affinity could not be stored");
  });
}
