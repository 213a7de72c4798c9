import { ApiError, BAD_RESPONSE, NETWORK_ERROR, toApiError } from "../api-client";
import { withTenantHeader } from "../tenant-choice";
import {
  replayStreamLineSchema,
  selectReplay,
  type ReplayEvent,
  type ReplayRequest,
  type ReplayResult,
  type ReplayStreamLine,
} from "./log-debug-api";

/**
 * Sends a replay and reads its answer. Streamed, the API answers NDJSON (`head`, then `event`s or
 * text `chunk`s as the upstream sends them, then `end` with the timings): each line updates the
 * progress the dialog draws live. Not streamed, it answers one JSON document.
 */

/** What has arrived of a streamed replay so far. */
export interface ReplayProgress {
  readonly head: Extract<ReplayStreamLine, { type: "head" }> | null;
  readonly events: readonly ReplayEvent[];
  /** The text chunks of an answer that is not an event stream, joined. */
  readonly text: string;
  readonly end: Extract<ReplayStreamLine, { type: "end" }> | null;
}

export const NO_PROGRESS: ReplayProgress = { head: null, events: [], text: "", end: null };

/** The progress after one more line of the stream. */
export function applyStreamLine(progress: ReplayProgress, line: ReplayStreamLine): ReplayProgress {
  switch (line.type) {
    case "head":
      return { ...progress, head: line };
    case "event":
      return { ...progress, events: [...progress.events, { event: line.event, data: line.data }] };
    case "chunk":
      return { ...progress, text: progress.text + line.text };
    case "end":
      return { ...progress, end: line };
  }
}

/** The finished stream as the one-document answer (null until both `head` and `end` arrived). */
export function resultOf(progress: ReplayProgress): ReplayResult | null {
  const { head, end } = progress;
  if (!head || !end) return null;
  const sse =
    (head.headers["content-type"] ?? "").startsWith("text/event-stream") || progress.events.length > 0;
  return {
    logId: head.logId,
    replayOf: head.replayOf,
    status: head.status,
    headers: head.headers,
    body: sse ? null : progress.text,
    events: sse ? [...progress.events] : null,
    truncated: end.truncated,
    timings: end.timings,
  };
}

/** Splits text arriving in arbitrary pieces into whole lines. */
export function createLineReader(onLine: (line: string) => void): {
  push: (text: string) => void;
  end: () => void;
} {
  let rest = "";
  return {
    push(text) {
      const parts = (rest + text).split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) if (line.trim()) onLine(line);
    },
    end() {
      if (rest.trim()) onLine(rest);
      rest = "";
    },
  };
}

/**
 * The text one upstream event adds to the answer: Anthropic text deltas, OpenAI chat deltas and the
 * Responses API's output_text deltas (the same reading as the server's SSE diff, which the browser
 * cannot import).
 */
export function eventDeltaText(data: string): string {
  let json: unknown;
  try {
    json = JSON.parse(data) as unknown;
  } catch {
    return "";
  }
  if (typeof json !== "object" || json === null) return "";
  const record = json as { delta?: unknown; choices?: unknown };
  const delta = record.delta;
  if (typeof delta === "string") return delta;
  if (typeof delta === "object" && delta !== null && typeof (delta as { text?: unknown }).text === "string") {
    return (delta as { text: string }).text;
  }
  if (Array.isArray(record.choices)) {
    const first = record.choices[0] as { delta?: { content?: unknown } } | undefined;
    if (typeof first?.delta?.content === "string") return first.delta.content;
  }
  return "";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Sends the replay; resolves with its result, calling `onProgress` as a streamed answer arrives. */
export async function sendReplay(
  path: string,
  request: ReplayRequest,
  onProgress: (progress: ReplayProgress) => void,
  signal?: AbortSignal,
): Promise<ReplayResult> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: withTenantHeader({
        accept: request.stream ? "application/x-ndjson, application/json" : "application/json",
        "content-type": "application/json",
      }),
      body: JSON.stringify(request),
      credentials: "same-origin",
      cache: "no-store",
      signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, NETWORK_ERROR, error instanceof Error ? error.message : "Network request failed");
  }
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok || !response.body || !type.includes("ndjson")) {
    const text = await response.text();
    const parsed = text ? parseJson(text) : undefined;
    if (!response.ok) throw toApiError(response.status, parsed, text);
    return selectReplay(parsed);
  }
  let progress = NO_PROGRESS;
  let bad = false;
  const lines = createLineReader((line) => {
    const parsed = replayStreamLineSchema.safeParse(parseJson(line));
    if (!parsed.success) {
      bad = true;
      return;
    }
    progress = applyStreamLine(progress, parsed.data);
    onProgress(progress);
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    lines.push(value);
  }
  lines.end();
  const result = resultOf(progress);
  if (!result || bad) {
    throw new ApiError(response.status, BAD_RESPONSE, "The replay stream ended early or was malformed.");
  }
  return result;
}
