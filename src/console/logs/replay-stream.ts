import { ApiError, BAD_RESPONSE, NETWORK_ERROR, toApiError } from "../api-client";
import { withTenantHeader } from "../tenant-choice";
import { selectReplay, type ReplayEvent, type ReplayRequest, type ReplayResult } from "./log-debug-api";

/**
 * Sends a replay and reads its answer as it arrives. A streamed replay answers an event stream (or
 * NDJSON): every upstream event is handed to `onEvent` at once, and the last message carrying the
 * replay's `logId` is the result. A non-streamed replay answers one JSON object.
 */

/** Splits an event stream into events as text arrives in arbitrary pieces. */
export function createSseParser(onEvent: (event: ReplayEvent) => void): {
  push: (text: string) => void;
  end: () => void;
} {
  let buffer = "";
  const flush = (block: string) => {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (data.length > 0 || event !== undefined) onEvent({ event, data: data.join("\n") });
  };
  return {
    push(text) {
      // Normalised on the whole buffer: a \r\n may arrive split across two pieces.
      buffer = (buffer + text).replaceAll("\r\n", "\n");
      let end = buffer.indexOf("\n\n");
      while (end !== -1) {
        flush(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
      }
    },
    end() {
      if (buffer.trim() !== "") flush(buffer);
      buffer = "";
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isResult(value: unknown): boolean {
  return typeof value === "object" && value !== null && "logId" in value && "status" in value;
}

/**
 * The text one upstream event adds to the answer: Anthropic text deltas, OpenAI chat deltas and the
 * Responses API's output_text deltas (the same reading as the server's SSE diff, which the browser
 * cannot import).
 */
export function eventDeltaText(data: string): string {
  const json = parseJson(data);
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

/** Sends the replay; resolves with its result, calling `onEvent` for each streamed event first. */
export async function sendReplay(
  path: string,
  request: ReplayRequest,
  onEvent: (event: ReplayEvent) => void,
  signal?: AbortSignal,
): Promise<ReplayResult> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: withTenantHeader({
        accept: request.stream ? "text/event-stream, application/json" : "application/json",
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
  if (!response.ok || !response.body || type.startsWith("application/json")) {
    const text = await response.text();
    const parsed = text ? parseJson(text) : undefined;
    if (!response.ok) throw toApiError(response.status, parsed, text);
    return selectReplay(parsed);
  }
  let result: ReplayResult | undefined;
  const take = (event: ReplayEvent) => {
    const json = parseJson(event.data);
    if (isResult(json)) result = selectReplay(json);
    else onEvent(event);
  };
  const ndjson = type.includes("ndjson");
  const parser = ndjson ? null : createSseParser(take);
  let lines = "";
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (parser) parser.push(value);
    else {
      lines += value;
      const parts = lines.split("\n");
      lines = parts.pop() ?? "";
      for (const line of parts) if (line.trim()) take(ndjsonEvent(line));
    }
  }
  parser?.end();
  if (lines.trim()) take(ndjsonEvent(lines));
  if (!result) throw new ApiError(response.status, BAD_RESPONSE, "The replay stream ended without a result.");
  return result;
}

/** One NDJSON line as an event: `{event, data}` objects as they are, anything else as its text. */
function ndjsonEvent(line: string): ReplayEvent {
  const json = parseJson(line);
  if (typeof json === "object" && json !== null && "data" in json) {
    const { event, data } = json as { event?: unknown; data?: unknown };
    return {
      event: typeof event === "string" ? event : undefined,
      data: typeof data === "string" ? data : JSON.stringify(data),
    };
  }
  return { data: line };
}
