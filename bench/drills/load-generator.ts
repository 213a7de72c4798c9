import { Agent, request } from "undici";

/**
 * Open-loop load for the drills: a fixed number of requests per second (sent on schedule whether or
 * not earlier ones answered, as independent clients would), a share of them streaming (SSE). Every
 * request is recorded — start, end, status or network error, the gateway's request id and which
 * upstream instance nginx picked — so each phase can be cut out of the record afterwards.
 */

export interface RequestRecord {
  readonly startedAt: number;
  endedAt: number;
  /** HTTP status, or 0 when the request failed without one (connection refused, reset, timeout). */
  status: number;
  /** Network error code when status is 0. */
  error: string | null;
  /** The gateway's `x-request-id`: present when a Roundabout instance answered. */
  requestId: string | null;
  /** nginx's `x-upstream` header (`127.0.0.1:PORT`), when the drill runs behind nginx. */
  upstream: string | null;
  readonly streamed: boolean;
  /** A streamed answer ended with `[DONE]`; a JSON answer was read whole. */
  complete: boolean;
}

export interface LoadTarget {
  /** Base URL of nginx or an instance. */
  readonly baseUrl: string;
  readonly groupSlug: string;
  readonly apiKey: string;
}

export interface LoadGenerator {
  readonly records: RequestRecord[];
  /** Requests sent and not yet finished. */
  inFlight(): number;
  /** Stops sending; resolves once every request in flight has finished. */
  stop(): Promise<void>;
}

const TICK_MS = 10;
const REQUEST_TIMEOUT_MS = 60_000;

/** Sends one chat completion (JSON or SSE) and records how it went. */
export async function sendChat(
  dispatcher: Agent,
  target: LoadTarget,
  streamed: boolean,
  apiKey: string = target.apiKey,
  /** Called once the response head has arrived. */
  onHead?: () => void,
): Promise<RequestRecord> {
  const record: RequestRecord = {
    startedAt: Date.now(),
    endedAt: 0,
    status: 0,
    error: null,
    requestId: null,
    upstream: null,
    streamed,
    complete: false,
  };
  try {
    const res = await request(`${target.baseUrl}/api/proxy/${target.groupSlug}/v1/chat/completions`, {
      method: "POST",
      dispatcher,
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "mock-model",
        stream: streamed,
        messages: [{ role: "user", content: "drill" }],
      }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    record.status = res.statusCode;
    record.requestId = headerOf(res.headers["x-request-id"]);
    record.upstream = headerOf(res.headers["x-upstream"]);
    onHead?.();
    const text = await res.body.text();
    record.complete = streamed ? text.includes("[DONE]") : text.length > 0;
  } catch (err) {
    record.error = errorCodeOf(err);
  }
  record.endedAt = Date.now();
  return record;
}

/** Starts sending `ratePerSecond` requests per second; every `streamEvery`-th one streams. */
export function startLoad(
  target: LoadTarget,
  options: { ratePerSecond: number; streamEvery: number; connections?: number },
): LoadGenerator {
  const dispatcher = new Agent({ connections: options.connections ?? 256, keepAliveTimeout: 30_000 });
  const records: RequestRecord[] = [];
  const pending = new Set<Promise<void>>();
  const began = Date.now();
  let sent = 0;
  const timer = setInterval(() => {
    // Catch up to the schedule after a late tick, so the rate holds under a busy event loop.
    const due = Math.floor(((Date.now() - began) / 1000) * options.ratePerSecond);
    while (sent < due) {
      const streamed = sent % options.streamEvery === 0;
      sent++;
      const p = sendChat(dispatcher, target, streamed).then((r) => {
        records.push(r);
        pending.delete(p);
      });
      pending.add(p);
    }
  }, TICK_MS);
  return {
    records,
    inFlight: () => pending.size,
    async stop() {
      clearInterval(timer);
      await Promise.all([...pending]);
      await dispatcher.close();
    },
  };
}

function headerOf(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function errorCodeOf(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    if (typeof code === "string") return code;
    return err.name;
  }
  return "unknown";
}
