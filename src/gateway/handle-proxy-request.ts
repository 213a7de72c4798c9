import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, isAppError } from "../core/errors/catalogue";
import { sendGatewayError } from "./gateway-errors";
import type { GatewayRuntime, ProxyContext } from "./gateway-types";
import type { RoutingSnapshot } from "./snapshot/snapshot-types";
import { authenticateKey, resolveGroup } from "./stages/authenticate-key";
import { confinePath } from "./stages/confine-path";
import { acquireKeySlot, enforceKeyLimits, releaseKeyLimits } from "./stages/enforce-key-limits";
import { parseRoute } from "./stages/parse-route";
import { releaseProviderCaps } from "./stages/provider-caps";
import { readBody } from "./stages/read-body";
import { recordLog } from "./stages/record-log";
import { runAttempts } from "./stages/run-attempts";

/**
 * One client request through the data plane, stage by stage:
 *   parse route → confine path → authenticate key → resolve group → key and group rate limits → read
 *   body → key concurrency slot → attempts (select provider, forward, fail over, stream the response) → record log.
 * A stage refuses a request by throwing an AppError; it becomes the unified error body here.
 */
export async function handleProxyRequest(
  rt: GatewayRuntime,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const ctx = createContext(rt, req, res);
  res.on("close", () => onClientClose(ctx, res));
  try {
    parseRoute(ctx, req.url ?? "/");
    confinePath(ctx, rt);
    const snapshot = rt.snapshots.current() ?? (await waitForSnapshot(rt));
    authenticateKey(ctx, snapshot, Date.now());
    resolveGroup(ctx, snapshot);
    await enforceKeyLimits(ctx, rt);
    await readBody(ctx, rt.options.maxBodyBytes);
    await acquireKeySlot(ctx, rt);
    startDeadline(ctx);
    await runAttempts(ctx, rt);
  } catch (err) {
    refuse(ctx, rt, err);
  } finally {
    if (ctx.totalTimer !== null) clearTimeout(ctx.totalTimer);
    releaseProviderCaps(ctx, rt);
    releaseKeyLimits(ctx, rt);
    if (ctx.clientClosed && !res.writableFinished) {
      ctx.status = ctx.errorCode === "REQUEST_TIMEOUT" ? 408 : 499;
      ctx.errorCode ??= "CLIENT_CLOSED";
    }
    recordLog(ctx, rt);
  }
}

function createContext(rt: GatewayRuntime, req: IncomingMessage, res: ServerResponse): ProxyContext {
  const t0 = performance.now();
  return {
    req,
    res,
    requestId: randomUUID(),
    createdAt: new Date(),
    t0,
    method: req.method ?? "GET",
    path: "/",
    query: "",
    groupSlug: null,
    group: null,
    key: null,
    anthropic: false,
    body: EMPTY,
    bytesIn: 0,
    bytesOut: 0,
    attempts: [],
    provider: null,
    status: 0,
    errorCode: null,
    ttfbMs: null,
    streamed: false,
    usage: null,
    clientIp: clientIpOf(req, rt.options.trustProxy),
    clientClosed: false,
    abortReason: null,
    attemptController: null,
    wake: null,
    deadline: Number.POSITIVE_INFINITY,
    totalTimer: null,
    errorHeaders: null,
    rateHeaders: null,
    concurrencySlot: null,
    providerSlot: null,
  };
}

const EMPTY = Buffer.alloc(0);
const STARTUP_WAIT_MS = 10_000;

/** Before the first snapshot loaded (startup), wait a bounded time for it, then answer 503. */
async function waitForSnapshot(rt: GatewayRuntime): Promise<RoutingSnapshot> {
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
function onClientClose(ctx: ProxyContext, res: ServerResponse): void {
  if (res.writableFinished) return;
  ctx.clientClosed = true;
  ctx.abortReason = "client";
  ctx.attemptController?.abort();
  ctx.wake?.();
}

function onTotalTimeout(ctx: ProxyContext): void {
  ctx.abortReason = "total";
  ctx.attemptController?.abort();
  ctx.wake?.();
}

function startDeadline(ctx: ProxyContext): void {
  const total = ctx.group!.totalTimeoutMs;
  ctx.deadline = ctx.t0 + total;
  const left = ctx.deadline - performance.now();
  ctx.totalTimer = setTimeout(onTotalTimeout, Math.max(0, left), ctx);
}

function refuse(ctx: ProxyContext, rt: GatewayRuntime, err: unknown): void {
  if (ctx.clientClosed) return;
  if (isAppError(err)) {
    if (err.code === "CLIENT_CLOSED") return;
    // A refused oversized body is not read to the end: close the connection instead.
    // X-RateLimit-* go on every answer of a limited key, refusals included.
    const headers: Record<string, string> = { ...ctx.rateHeaders, ...ctx.errorHeaders };
    if (err.code === "BODY_TOO_LARGE") headers.connection = "close";
    ctx.errorCode = err.code;
    ctx.status = sendGatewayError(ctx.res, err.code, ctx.requestId, headers, err.message);
    return;
  }
  rt.logger.error(
    { requestId: ctx.requestId, err: err instanceof Error ? err.message : String(err) },
    "gateway request failed unexpectedly",
  );
  ctx.errorCode = "INTERNAL_ERROR";
  if (ctx.res.headersSent) {
    ctx.res.destroy();
    return;
  }
  ctx.status = sendGatewayError(ctx.res, "INTERNAL_ERROR", ctx.requestId);
}

/** The client address: the socket peer, or the first X-Forwarded-For hop behind a trusted proxy. */
function clientIpOf(req: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const xff = req.headers["x-forwarded-for"];
    const first = (Array.isArray(xff) ? xff[0] : xff)?.split(",")[0]?.trim();
    if (first) return first;
  }
  const addr = req.socket.remoteAddress;
  if (addr === undefined) return null;
  return addr.startsWith("::ffff:") ? addr.slice(7) : addr;
}
