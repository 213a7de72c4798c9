import { StringDecoder } from "node:string_decoder";

/**
 * Incremental Server-Sent Events parser. It sees the chunks as they pass to the client and never
 * holds the stream back: only the unfinished last line is kept between chunks, and parsing stops for
 * good when one line grows past `maxLineBytes` (the bytes still flow; only inspection ends). One
 * event's data is bounded too: an event whose `data:` lines add up past `maxEventBytes` is skipped
 * (its data dropped as it comes, never buffered), and parsing goes on with the next event.
 */

export interface SseEvent {
  /** The `event:` field; "" when absent (the spec's default type "message"). */
  readonly event: string;
  /** `data:` lines joined with "\n". */
  readonly data: string;
}

export interface SseScanner {
  /** Feeds one chunk; complete events are handed to the scanner's callback synchronously. */
  push(chunk: Buffer): void;
  /** Flushes a final event not followed by a blank line (end of stream). */
  end(): void;
  /** False once a line overflowed the cap and parsing stopped. */
  readonly active: boolean;
}

const DEFAULT_MAX_LINE = 1024 * 1024;
const DEFAULT_MAX_EVENT = 1024 * 1024;

/** Creates a scanner that calls `onEvent` for every complete event. */
export function createSseScanner(
  onEvent: (event: SseEvent) => void,
  maxLineBytes = DEFAULT_MAX_LINE,
  maxEventBytes = DEFAULT_MAX_EVENT,
): SseScanner {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let eventName = "";
  let data: string | null = null;
  let oversized = false;
  let active = true;

  const dispatch = () => {
    if (!oversized && (data !== null || eventName !== "")) onEvent({ event: eventName, data: data ?? "" });
    eventName = "";
    data = null;
    oversized = false;
  };

  const line = (raw: string) => {
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text === "") {
      dispatch();
      return;
    }
    if (text.charCodeAt(0) === 58 /* ":" comment */) return;
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") {
      if (oversized) return;
      data = data === null ? value : `${data}\n${value}`;
      if (data.length > maxEventBytes) {
        oversized = true;
        data = null;
      }
    } else if (field === "event") eventName = value;
  };

  return {
    push(chunk) {
      if (!active) return;
      const text = pending + decoder.write(chunk);
      let start = 0;
      let nl = text.indexOf("\n", start);
      while (nl !== -1) {
        line(text.slice(start, nl));
        start = nl + 1;
        nl = text.indexOf("\n", start);
      }
      pending = start === 0 ? text : text.slice(start);
      if (pending.length > maxLineBytes) {
        active = false;
        pending = "";
      }
    },
    end() {
      if (!active) return;
      const rest = pending + decoder.end();
      pending = "";
      if (rest !== "") line(rest);
      dispatch();
    },
    get active() {
      return active;
    },
  };
}
