import type { IncomingHttpHeaders, OutgoingHttpHeader, OutgoingHttpHeaders } from "node:http";
import type { RequestModel } from "../../core/routing/request-model";
import type { SnapshotGroup, SnapshotKey } from "../snapshot/snapshot-types";
import type { AffinityState } from "../stages/session-affinity";

/**
 * What the gateway knows about one client request, in the order the stages establish it. Every type
 * here is read-only: a stage returns the fact it adds (parseRoute → Route, authenticateKey → the key,
 * resolveGroup → the group, readBody → the body) and handleProxyRequest assembles them into
 * RequestFacts before the first attempt. What changes while the request runs lives elsewhere:
 * RequestSignals (client gone, timers), AttemptState (one upstream attempt), OutcomeRecorder (the answer).
 */

/**
 * The part of the client request the stages read after the body: its head. A node `IncomingMessage`
 * for a client; a plain object for an admin's replay (src/gateway/replay), which has no socket.
 */
export interface ProxyRequestHead {
  readonly headers: IncomingHttpHeaders;
  readonly url?: string;
}

/**
 * What the stages write the answer to: a node `ServerResponse` for a client, the replay's collector
 * for an admin's replay. Only these members are used, so both fit without a socket.
 */
export interface ProxyResponse {
  /** Headers as an object or as the flat `[name, value, …]` list (what buildClientHeaders answers). */
  writeHead(status: number, headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): unknown;
  /** False when the receiver is full: wait for "drain". */
  write(chunk: Buffer | string): boolean;
  end(chunk?: Buffer | string): unknown;
  once(event: "drain", listener: () => void): unknown;
  on(event: "close", listener: () => void): unknown;
  destroy(): unknown;
  readonly destroyed: boolean;
  readonly headersSent: boolean;
  readonly writableFinished: boolean;
}

/** Why a request is in the log: set for an admin's replay only (never from anything a client sends). */
export interface ReplayMark {
  /** The log id of the request replayed. */
  readonly of: string;
}

/** The request as it arrived, fixed from the handler's first line on. */
export interface Arrival {
  readonly req: ProxyRequestHead;
  readonly res: ProxyResponse;
  readonly requestId: string;
  readonly createdAt: Date;
  /** performance.now() at arrival; every offset is relative to it. */
  readonly t0: number;
  readonly method: string;
  readonly clientIp: string | null;
}

/** Where the request goes: `/api/proxy/{groupSlug}{path}{query}`. */
export interface Route {
  readonly method: string;
  readonly groupSlug: string;
  /** Path after `/api/proxy/{slug}` (starts with "/"), no query. */
  readonly path: string;
  /** Query string including "?", or "". */
  readonly query: string;
  /** True when the client speaks Anthropic's API (error events in its format). */
  readonly anthropic: boolean;
}

/**
 * The request as far as the stages got: its arrival and the facts established so far (null: that
 * stage was not reached). Written only by handleProxyRequest; read for the log row and refusals.
 */
export interface KnownFacts extends Arrival {
  route: Route | null;
  key: SnapshotKey | null;
  group: SnapshotGroup | null;
  body: Buffer;
  /** The model the request asks for, when something routes on it (resolveModel). */
  model: RequestModel | null;
  /** Set only by the replay entry (`replay/handle-replay-request.ts`): the log row says `source: replay`. */
  replay: ReplayMark | null;
}

/** Everything the attempts need, complete and read-only (no null checks past this point). */
export interface RequestFacts extends Arrival {
  readonly route: Route;
  readonly key: SnapshotKey;
  readonly group: SnapshotGroup;
  readonly body: Buffer;
  /** The requested model when the key, the group's members or affinity route on it; else null. */
  readonly model: RequestModel | null;
  /** The request's session and its sticky provider, when the group has affinity on; else null. */
  readonly affinity: AffinityState | null;
  /** Absolute performance.now() deadline of the whole request. */
  readonly deadline: number;
  /** X-RateLimit-* headers for keys (or groups) with a rate limit; on every answer. */
  readonly rateHeaders: Readonly<Record<string, string>> | null;
}

/**
 * What the client and our timers do to a request while it runs: set by events (client close, total
 * and first-byte timers), read by the stages. The only mutable per-request state besides the outcome.
 */
export interface RequestSignals {
  /** Set once the client went away before the response completed. */
  clientClosed: boolean;
  /** Why the current upstream attempt was aborted by us. */
  abortReason: "client" | "first_byte" | "total" | null;
  /** Aborts the current upstream attempt (null between attempts). */
  attemptController: { abort(): void } | null;
  /** Wakes a backoff sleep early (client left or deadline reached). */
  wake: (() => void) | null;
  totalTimer: NodeJS.Timeout | null;
}

/** Fresh signals for a request that just arrived. */
export function createSignals(): RequestSignals {
  return { clientClosed: false, abortReason: null, attemptController: null, wake: null, totalTimer: null };
}
