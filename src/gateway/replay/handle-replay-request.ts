import { createTierStrategies } from "../../core/balancing/select";
import { createRedactionRules, type RedactionRules } from "../../core/debug/redact-body";
import { AppError } from "../../core/errors/catalogue";
import { DEFAULT_CAPTURE_MAX_BYTES } from "../../core/vocabulary/capture";
import type { NewRequestLogRow } from "../../db/schema/request-logs";
import type { OutcomeRecorder } from "../context/outcome-recorder";
import type { KnownFacts } from "../context/request-facts";
import type { GatewayRuntime } from "../gateway-types";
import {
  createKnownFacts,
  serveRequest,
  waitForSnapshot,
  type Admission,
  type HeldLimits,
} from "../handle-proxy-request";
import {
  groupSlugKey,
  type SnapshotGroup,
  type SnapshotKey,
  type SnapshotMember,
  type SnapshotProvider,
} from "../snapshot/snapshot-types";
import { confinePath } from "../stages/confine-path";
import { enforceKeyLimits } from "../stages/enforce-key-limits";
import { PROXY_PREFIX, parseRoute } from "../stages/parse-route";
import { resolveModel } from "../stages/resolve-model";
import { ReplayResponse, type ReplaySink } from "./replay-response";

/**
 * An admin's replay of a captured request through the real data plane: the same `serveRequest` as a
 * client's request (attempts, provider credential injection, provider caps, timeouts, the outbound
 * guard, streaming, the log row and its capture), admitted differently:
 * - no gateway key is presented: the replay acts for the admin who asked (the admin API checked the
 *   role and tenant), so the original key's rate limit, concurrency cap, quota (and its tenant's)
 *   and model allow-list do not apply and nothing is charged; the row names the original key;
 * - `{ group }`: the group's normal balancing (health, strategy, model routing, failover) and its rate
 *   limit; session affinity is not consulted or updated (a replay must not move a client's session);
 * - `{ provider }`: that provider only, one attempt, whatever its health, with its membership's alias
 *   map and the timeouts of the original group when it still exists;
 * - the row is marked `source: replay` with `replayOf` (only this entry can set the mark: it is not an
 *   HTTP path, so no client header can forge it), and the replay is always captured.
 */

/** Where a replay goes. */
export type ReplayTarget =
  | {
      readonly kind: "provider";
      /** The provider as the gateway would send to it (credential decrypted by the caller). */
      readonly provider: SnapshotProvider;
    }
  | { readonly kind: "group"; readonly slug: string };

/** One replay, as the admin service prepares it from a capture and the overrides. */
export interface ReplaySpec {
  readonly tenantId: string;
  /** The log id replayed. */
  readonly of: string;
  /** The original request's key and group (the row names them). */
  readonly keyId: string;
  readonly groupId: string;
  readonly groupSlug: string;
  readonly target: ReplayTarget;
  readonly method: string;
  /** Path after the group slug, and the query (`?…` or ""). */
  readonly path: string;
  readonly query: string;
  /** Request headers (lower-case names); credentials are dropped by the forwarding rules anyway. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The admin's address, for the row's client IP. */
  readonly clientIp: string | null;
}

/** A running replay. */
export interface ReplayRun {
  /** The replay's own request id (its log row's id). */
  readonly logId: string;
  /** The replay's log row (queued) once the answer ended. */
  readonly finished: Promise<NewRequestLogRow>;
  /** The sink has room again after `data()` returned false. */
  resume(): void;
  /** The receiver is gone: abort the upstream. */
  cancel(): void;
}

/** Starts a replay; its answer goes to `sink`. */
export function startReplay(rt: GatewayRuntime, spec: ReplaySpec, sink: ReplaySink): ReplayRun {
  const res = new ReplayResponse(sink, replayRules(rt, spec));
  // Provider targets bypass balancing, health included: an ejected provider can be tried on purpose.
  const runtime: GatewayRuntime =
    spec.target.kind === "provider" ? { ...rt, health: { ...rt.health, viewGroup: () => null } } : rt;
  const headers = { ...spec.headers };
  const known = createKnownFacts({ headers }, res, spec.method, spec.clientIp, { of: spec.of });
  return {
    logId: known.requestId,
    // Started on the next microtask, so the sink never hears of the answer before the caller holds the run.
    finished: Promise.resolve().then(() => serveRequest(runtime, known, admitReplay, spec)),
    resume: () => res.resume(),
    cancel: () => res.cancel(),
  };
}

/** The secrets a replay's answer could echo: every candidate provider's credential and header values. */
function replayRules(rt: GatewayRuntime, spec: ReplaySpec): RedactionRules {
  const providers: SnapshotProvider[] = [];
  if (spec.target.kind === "provider") providers.push(spec.target.provider);
  else {
    const group = rt.snapshots.current()?.groupsBySlug.get(groupSlugKey(spec.tenantId, spec.target.slug));
    for (const m of group?.members ?? []) providers.push(m.provider);
  }
  const secrets = providers.flatMap((p) => [p.credential, ...Object.values(p.headers)]);
  return createRedactionRules(rt.options.captureRedactNames, secrets);
}

/** The key a replay acts with: the admin's action, so no limits, quota or model list of its own. */
function replayKey(spec: ReplaySpec): SnapshotKey {
  return {
    id: spec.keyId,
    tenantId: spec.tenantId,
    tenantEnabled: true,
    groupId: null,
    expiresAt: null,
    rateLimitPerMinute: null,
    maxConcurrency: null,
    capture: "all",
    allowedModels: null,
    quota: null,
    // Replays are left out of quotas, the tenant's included (statistics and quota sync skip their rows).
    tenantQuota: null,
  };
}

/** A one-member group around the target provider, with the original group's settings when it exists. */
function providerGroup(
  base: SnapshotGroup | undefined,
  provider: SnapshotProvider,
  spec: ReplaySpec,
): SnapshotGroup {
  const membership = base?.membersById.get(provider.id);
  const member: SnapshotMember = {
    provider,
    priority: 0,
    weight: 1,
    // An explicit target serves whatever model the admin sends; the alias map still applies.
    models: null,
    modelMap: membership?.modelMap ?? null,
  };
  return {
    id: base?.id ?? spec.groupId,
    tenantId: spec.tenantId,
    slug: spec.groupSlug,
    strategyName: "weighted_round_robin",
    strategyFor: createTierStrategies("weighted_round_robin"),
    maxAttempts: 1,
    retryOn: base?.retryOn ?? [],
    connectTimeoutMs: base?.connectTimeoutMs ?? 5_000,
    firstByteTimeoutMs: base?.firstByteTimeoutMs ?? 60_000,
    idleTimeoutMs: base?.idleTimeoutMs ?? 120_000,
    totalTimeoutMs: base?.totalTimeoutMs ?? 600_000,
    rateLimitPerMinute: null,
    capture: "all",
    captureSampleRate: 1,
    captureMaxBytes: base?.captureMaxBytes ?? DEFAULT_CAPTURE_MAX_BYTES,
    members: [member],
    membersById: new Map([[provider.id, member]]),
    routesByModel: member.modelMap !== null,
    modelCatalog: null,
    affinity: null,
    hashHeader: null,
    usesLatency: false,
  };
}

/** A replay's admission: route from the capture, target group, group rate limit, the body as given. */
async function admitReplay(
  rt: GatewayRuntime,
  known: KnownFacts,
  spec: ReplaySpec,
  outcome: OutcomeRecorder,
  held: HeldLimits,
): Promise<Admission> {
  const slug = spec.target.kind === "group" ? spec.target.slug : spec.groupSlug;
  const url = `${PROXY_PREFIX}${encodeURIComponent(slug)}${spec.path}${spec.query}`;
  // The slug is taken as given (no percent-decoding round trip).
  const route = (known.route = { ...parseRoute(url, known.method, known.req.headers), groupSlug: slug });
  confinePath(rt, known, route.path);
  const snapshot = rt.snapshots.current() ?? (await waitForSnapshot(rt));
  const key = (known.key = replayKey(spec));
  const base = snapshot.groupsBySlug.get(groupSlugKey(spec.tenantId, slug));
  let group: SnapshotGroup;
  if (spec.target.kind === "provider") group = providerGroup(base, spec.target.provider, spec);
  else if (base === undefined) throw new AppError("GROUP_UNKNOWN");
  else group = base;
  known.group = group;
  // Always captured, so the replay can be compared with the original.
  outcome.capture = { mode: "all", maxBytes: group.captureMaxBytes, attempts: [] };
  // The group's rate limit protects its upstreams from replays too (the key has no limits here).
  if (spec.target.kind === "group") held.limits = await enforceKeyLimits(rt, known.requestId, key, group);
  const body = (known.body = spec.body);
  const model = (known.model = resolveModel(body, route, key, group));
  return { route, key, group, body, model, affinity: null };
}
