import type { SseEvent } from "./sse-scanner";

/**
 * What an SSE event means for failover. Until the first "content" event the client has received
 * nothing, so an "error" (or the stream ending) can still be retried on another provider. Anthropic's
 * `message_start` and `ping` carry no content yet and are held back with the response head.
 */
export type SseEventKind = "content" | "prelude" | "error" | "done";

const OPENAI_ERROR = /^\s*\{\s*"error"\s*:/;
const TYPED_ERROR = /^\s*\{\s*"type"\s*:\s*"error"/;

/** Classifies one event (see SseEventKind). */
export function classifySseEvent(e: SseEvent): SseEventKind {
  const name = e.event;
  if (name === "error") return "error";
  if (name === "ping" || name === "message_start") return "prelude";
  const data = e.data;
  if (data === "") return "prelude";
  if (data === "[DONE]") return "done";
  const c = data.charCodeAt(0);
  if ((c === 123 || c === 32) /* "{" or " " */ && (OPENAI_ERROR.test(data) || TYPED_ERROR.test(data))) {
    return "error";
  }
  return "content";
}

/** True when an error event says the upstream is overloaded/rate-limited (answer 503, not 502). */
export function isOverloadedErrorEvent(e: SseEvent): boolean {
  return /overloaded|rate_limit|"code"\s*:\s*(429|529|503)/.test(e.data);
}
