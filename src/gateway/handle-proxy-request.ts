import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, isAppError } from "../core/errors/catalogue";
import { createRequestId } from "./context/request-id";
import { clientAddressOfRequest } from "../core/net/client-address";
import { openCapture } from "./capture/capture-session";
import { OutcomeRecorder } from "./context/outcome-recorder";
import {
  createSignals,
  type KnownFacts,
  type ProxyRequestHead,
  type ProxyResponse,
  type ReplayMark,
  type RequestFacts,
  type RequestSignals,
  type Route,
} from "./context/request-facts";
import type { RequestModel } from "../core/routing/request-model";
import type { NewRequestLogRow } from "../db/schema/request-logs";
import { GatewayRefusal } from "./gateway-errors";
import type { GatewayRuntime } from "./gateway-types";
import type { RoutingSnapshot, SnapshotGroup, SnapshotKey } from "./snapshot/snapshot-types";
import { authenticateKey, resolveGroup } from "./stages/authenticate-key";
import { confinePath } from "./stages/confine-path";
import { enforceKeyLimits, releaseKeyLimits, takeKeySlot, type KeyLimits } from "./stages/enforce-key-limits";
import { chargeQuota, enforceQuota } from "./stages/enforce-quota";
import { parseRoute } from "./stages/parse-route";
import { EMPTY_BODY, readBody } from "./stages/read-body";
import { answerModelList } from "./stages/answer-model-list";
import { recordLog } from "./stages/record-log";
import { resolveModel } from "./stages/resolve-model";
import { lookupAffinity, type AffinityState } from "./stages/session-affinity";
import { runAttempts } from "./stages/run-attempts";
import { dateOf, epochMs } from "./context/clock";

/**
 * One client request through the data plane, stage by stage:
 *   parse route → confine path → authenticate key → resolve group → key and group rate limits
 *   → key and tenant quota (when either has one) → read body → key concurrency slot → start the deadline → attempts (select provider, forward,
 *   fail over, stream the response) → record log → charge the quotas (tokens, cost).
 * Each stage returns the fact it establishes; they are kept in `known` (for the log row of a request
 * refused part-way) and assembled into read-only RequestFacts for the attempts. A stage refuses a
 * request by throwing an AppError; it becomes the unified error body here. Status and error code are
 * set only through the OutcomeRecorder.
 */
export async function handleProxyRequest(
  rt: GatewayRuntime,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const clientIp = clientAddressOfRequest(req, rt.options.trustProxy);
  const known = createKnownFacts(req, res, req.method ?? "GET", clientIp, null);
  await serveRequest(rt, known, admitClient, req);
}

/** What admission establishes before the attempts: everything they need but the deadline. */
export interface Admission {
  readonly route: Route;
  readonly key: SnapshotKey;
  readonly group: SnapshotGroup;
  readonly body: Buffer;
  readonly model: RequestModel | null;
  readonly affinity: AffinityState | null;
}

/** The key limits admission took, as far as it got (released when the request ends). */
export interface HeldLimits {
  limits: KeyLimits | null;
}

/**
 * Admits a request (a client's: `admitClient`; an admin's replay: `replay/handle-replay-request.ts`),
 * then runs the shared rest of the data plane — deadline, attempts, refusal answers, limits release,
 * log row, quota charge — and returns the queued log row.
 */
export async function serveRequest<I>(
  rt: GatewayRuntime,
  known: KnownFacts,
  admit: (
    rt: GatewayRuntime,
    known: KnownFacts,
    input: I,
    outcome: OutcomeRecorder,
    held: HeldLimits,
  ) => Promise<Admission>,
  input: I,
): Promise<NewRequestLogRow> {
  const { res } = known;
  const signals = createSignals();
  const outcome = new OutcomeRecorder();
  res.on("close", () => onClientClose(signals, res));
  const held: HeldLimits = { limits: null };
  let row: NewRequestLogRow | null = null;
  try {
    const admission = await admit(rt, known, input, outcome, held);
    const deadline = startDeadline(signals, known.t0, admission.group);
    const facts: RequestFacts = {
      req: known.req,
      res,
      requestId: known.requestId,
      createdAt: known.createdAt,
      t0: known.t0,
      method: known.method,
      clientIp: known.clientIp,
      route: admission.route,
      key: admission.key,
      group: admission.group,
      body: admission.body,
      model: admission.model,
      affinity: admission.affinity,
      deadline,
      rateHeaders: held.limits?.rateHeaders ?? null,
    };
    if (!answerModelList(facts, outcome)) await runAttempts(rt, facts, signals, outcome);
  } catch (err) {
    refuse(rt, known, signals, outcome, held.limits, err);
  } finally {
    if (signals.totalTimer !== null) clearTimeout(signals.totalTimer);
    const limits = held.limits;
    if (limits !== null && known.key !== null) releaseKeyLimits(rt, known.requestId, known.key, limits);
    if (signals.clientClosed && !res.writableFinished) outcome.recordClientGone();
    row = recordLog(rt, known, outcome);
    if (limits?.quota) chargeQuota(rt, known.requestId, limits, row);
  }
  return row;
}

/** A client's request: the stages from the route to the key's concurrency slot. */
async function admitClient(
  rt: GatewayRuntime,
  known: KnownFacts,
  req: IncomingMessage,
  outcome: OutcomeRecorder,
  held: HeldLimits,
): Promise<Admission> {
  const route = (known.route = parseRoute(req.url ?? "/", known.method, req.headers));
  confinePath(rt, known, route.path);
  const snapshot = rt.snapshots.current() ?? (await waitForSnapshot(rt));
  const key = (known.key = authenticateKey(req.headers, snapshot, epochMs()));
  const group = (known.group = resolveGroup(snapshot, route, key));
  outcome.capture = openCapture(group, key, rt.random);
  held.limits = await enforceKeyLimits(rt, known.requestId, key, group);
  if (key.quota !== null || key.tenantQuota !== null) {
    held.limits = await enforceQuota(rt, known.requestId, key, held.limits);
  }
  const body = (known.body = await readBody(req, rt.options.maxBodyBytes));
  const model = (known.model = resolveModel(body, route, key, group));
  const affinity = await lookupAffinity(rt, known, route, key, group, body, model);
  held.limits = await takeKeySlot(rt, known.requestId, key, group, held.limits);
  return { route, key, group, body, model, affinity };
}

/** The request as it arrived, before any stage ran (`replay` only for an admin's replay). */
export function createKnownFacts(
  req: ProxyRequestHead,
  res: ProxyResponse,
  method: string,
  clientIp: string | null,
  replay: ReplayMark | null,
): KnownFacts {
  const t0 = performance.now();
  const createdAt = dateOf();
  return {
    req,
    res,
    // UUIDv7 of createdAt: the log is then found by its id through the (created_at, id) key.
    requestId: createRequestId(createdAt.getTime()),
    createdAt,
    t0,
    method,
    clientIp,
    route: null,
    key: null,
    group: null,
    body: EMPTY_BODY,
    model: null,
    replay,
  };
}

const STARTUP_WAIT_MS = 10_000;

/** Before the first snapshot loaded (startup), wait a bounded time for it, then answer 503. */
export async function waitForSnapshot(rt: GatewayRuntime): Promise<RoutingSnapshot> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(resolve, STARTUP_WAIT_MS, null);
  });
  const snapshot = await Promise.race([rt.snapshots.whenReady(), timeout]);
  clearTimeout(timer);
  if (snapshot === null)
    throw new AppError("NO_PROVIDER_AVAILABLE", "The gateway is starting; try again shortly.");
  return snapshot;
}

/** The client went away: abort the upstream at once, including a backoff sleep in progress. */
function onClientClose(signals: RequestSignals, res: ProxyResponse): void {
  if (res.writableFinished) return;
  signals.clientClosed = true;
  signals.abortReason = "client";
  signals.attemptController?.abort();
  signals.wake?.();
}

function onTotalTimeout(signals: RequestSignals): void {
  signals.abortReason = "total";
  signals.attemptController?.abort();
  signals.wake?.();
}

/** Arms the group's total timeout, counted from arrival; returns the absolute deadline. */
function startDeadline(signals: RequestSignals, t0: number, group: SnapshotGroup): number {
  const deadline = t0 + group.totalTimeoutMs;
  const left = deadline - performance.now();
  signals.totalTimer = setTimeout(onTotalTimeout, Math.max(0, left), signals);
  return deadline;
}

/** Answers a refused or failed request (nothing when the client already left). */
function refuse(
  rt: GatewayRuntime,
  known: KnownFacts,
  signals: RequestSignals,
  outcome: OutcomeRecorder,
  limits: KeyLimits | null,
  err: unknown,
): void {
  // The edge server already answered a body later than BODY_TIMEOUT_MS with 408 and closed.
  if (isAppError(err) && err.code === "REQUEST_TIMEOUT") {
    outcome.recordRequestTimeout();
    return;
  }
  if (signals.clientClosed) return;
  if (isAppError(err)) {
    // readBody's refusal when the client left mid-body.
    if (err.code === "CLIENT_CLOSED") {
      signals.clientClosed = true;
      return;
    }
    // A refused oversized body is not read to the end: close the connection instead.
    // X-RateLimit-* go on every answer of a limited key, refusals included.
    const headers: Record<string, string> = {
      ...limits?.rateHeaders,
      ...(err instanceof GatewayRefusal ? err.headers : null),
    };
    if (err.code === "BODY_TOO_LARGE") headers.connection = "close";
    const details = err instanceof GatewayRefusal ? refusalDetails(err.details) : undefined;
    outcome.sendError(known.res, err.code, known.requestId, headers, err.message, details);
    return;
  }
  rt.logger.error(
    { requestId: known.requestId, err: err instanceof Error ? err.message : String(err) },
    "gateway request failed unexpectedly",
  );
  outcome.sendInternalError(known.res, known.requestId);
}

/** A refusal's facts for `error.details` (QUOTA_EXCEEDED), when it has any. */
function refusalDetails(details: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof details === "object" && details !== null && !Array.isArray(details)
    ? (details as Record<string, unknown>)
    : undefined;
}
