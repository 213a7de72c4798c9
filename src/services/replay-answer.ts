import type { ReplayResult, ReplayStreamLine, RequestTimings } from "@/contracts/log-debug";
import { parseSse } from "@/core/debug/sse-diff";
import { redactBody, type RedactionRules } from "@/core/debug/redact-body";
import type { NewRequestLogRow } from "@/db/schema";
import type { ReplayRun } from "@/gateway/replay/handle-replay-request";
import type { ReplaySink } from "@/gateway/replay/replay-response";
import { toAttemptView } from "./logs-service";

/**
 * The two shapes of a replay's answer for the admin API: one JSON document once the answer ended
 * (`collectReplay`), or a live NDJSON stream (`streamReplay`, `replayStreamLineSchema`) whose reader
 * pauses the upstream when it falls behind. Every text is redacted with the rules the gateway hands
 * over (provider credentials by value, sensitive names) before it leaves.
 */

/** Most body bytes a collected (non-streamed) answer keeps. */
export const REPLAY_BODY_LIMIT = 4 * 1024 * 1024;

/** Starts a replay with the sink the caller built (`start` gets it once the answer can flow). */
export type StartReplay = (sink: ReplaySink) => ReplayRun;

function isEventStream(headers: Readonly<Record<string, string>>): boolean {
  return headers["content-type"]?.startsWith("text/event-stream") ?? false;
}

/** The replay row's timings as the API shows them. */
export function timingsOf(row: NewRequestLogRow): RequestTimings {
  return {
    totalMs: row.totalMs,
    ttfbMs: row.ttfbMs ?? null,
    attempts: (row.attempts ?? []).map(toAttemptView),
  };
}

/** Runs a replay to its end and answers it as one document. */
export async function collectReplay(replayOf: string, start: StartReplay): Promise<ReplayResult> {
  let status = 0;
  let headers: Record<string, string> = {};
  let rules: RedactionRules | undefined;
  const chunks: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  const run = start({
    head(s, h, r) {
      status = s;
      headers = h;
      rules = r;
    },
    data(chunk) {
      const room = REPLAY_BODY_LIMIT - kept;
      if (chunk.length > room) truncated = true;
      if (room > 0) {
        const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
        chunks.push(Buffer.from(part));
        kept += part.length;
      }
      return true;
    },
    end() {},
  });
  const row = await run.finished;
  const text = kept === 0 ? null : redactBody(Buffer.concat(chunks, kept).toString("utf8"), rules);
  const sse = text !== null && isEventStream(headers);
  return {
    logId: run.logId,
    replayOf,
    status: status === 0 ? row.status : status,
    headers,
    body: sse ? null : text,
    events: text !== null && sse ? parseSse(text).map(({ event, data }) => ({ event, data })) : null,
    truncated,
    timings: timingsOf(row),
  };
}

const encoder = new TextEncoder();
// Event boundaries: a blank line, whatever the line endings.
const EVENT_END = /\r?\n\r?\n/;

/** Splits a growing text into complete pieces (SSE events or lines) and keeps the rest. */
class PieceSplitter {
  #rest = "";
  constructor(private readonly events: boolean) {}

  push(text: string): string[] {
    this.#rest += text;
    const pieces: string[] = [];
    for (;;) {
      const match = this.events ? EVENT_END.exec(this.#rest) : null;
      const cut = this.events
        ? match === null
          ? -1
          : match.index + match[0].length
        : this.#rest.indexOf("\n") + 1 || -1;
      if (cut <= 0) return pieces;
      pieces.push(this.#rest.slice(0, cut));
      this.#rest = this.#rest.slice(cut);
    }
  }

  flush(): string[] {
    const rest = this.#rest;
    this.#rest = "";
    return rest === "" ? [] : [rest];
  }
}

/** Runs a replay and answers it as NDJSON lines as the answer arrives. */
export function streamReplay(replayOf: string, start: StartReplay): ReadableStream<Uint8Array> {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let run: ReplayRun | null = null;
  let rules: RedactionRules | undefined;
  let splitter: PieceSplitter | null = null;
  let events = false;
  let closed = false;
  const decoder = new TextDecoder();
  const send = (line: ReplayStreamLine) => {
    if (!closed) controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
  };
  const sendPieces = (pieces: string[]) => {
    for (const piece of pieces) {
      const text = redactBody(piece, rules);
      if (!events) send({ type: "chunk", text });
      else for (const e of parseSse(text)) send({ type: "event", event: e.event, data: e.data });
    }
  };
  const sink: ReplaySink = {
    head(status, headers, r) {
      rules = r;
      events = isEventStream(headers);
      splitter = new PieceSplitter(events);
      send({ type: "head", logId: run!.logId, replayOf, status, headers });
    },
    data(chunk) {
      if (splitter === null || closed) return true;
      sendPieces(splitter.push(decoder.decode(chunk, { stream: true })));
      return (controller.desiredSize ?? 1) > 0;
    },
    end() {
      if (splitter !== null) sendPieces([...splitter.push(decoder.decode()), ...splitter.flush()]);
    },
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        run?.resume();
      },
      cancel() {
        closed = true;
        run?.cancel();
      },
    },
    { highWaterMark: 64 },
  );
  run = start(sink);
  void run.finished.then(
    (row) => {
      send({ type: "end", truncated: false, timings: timingsOf(row) });
      if (!closed) controller.close();
      closed = true;
    },
    (err: unknown) => {
      if (!closed) controller.error(err);
      closed = true;
    },
  );
  return stream;
}
