import { diffLines, diffText, type DiffLine } from "./line-diff";

/**
 * Server-sent event streams compared as what a reader cares about: the sequence of events (by event
 * name and JSON `type`), and the text the events carry put back together (Anthropic text deltas,
 * OpenAI chat deltas and Responses API deltas), diffed by lines. Pure.
 */

export interface SseEvent {
  /** The `event:` field; "message" when there is none. */
  readonly event: string;
  /** The `data:` lines joined by \n. */
  readonly data: string;
}

/** Splits an event stream into its events (comments and empty events skipped). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.replaceAll("\r\n", "\n").split(/\n\n+/)) {
    let event = "message";
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
    if (data.length > 0 || event !== "message") events.push({ event, data: data.join("\n") });
  }
  return events;
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
}

/** The event's name plus its JSON `type` when that differs: what the sequence diff compares. */
export function eventSignature(event: SseEvent): string {
  const type = field(parseData(event.data), "type");
  return typeof type === "string" && type !== event.event ? `${event.event} ${type}` : event.event;
}

/** The text one event adds to the answer (empty for events that carry none). */
export function eventText(event: SseEvent): string {
  const json = parseData(event.data);
  if (json === undefined) return "";
  const delta = field(json, "delta");
  // Anthropic content_block_delta (text_delta) and the Responses API's output_text.delta.
  const text = field(delta, "text");
  if (typeof text === "string") return text;
  if (typeof delta === "string") return delta;
  // OpenAI chat completions: choices[0].delta.content.
  const choices = field(json, "choices");
  if (Array.isArray(choices)) {
    const content = field(field(choices[0], "delta"), "content");
    if (typeof content === "string") return content;
  }
  return "";
}

export interface SseDiff {
  readonly events: { readonly a: number; readonly b: number };
  /** The event sequences by signature. */
  readonly sequence: DiffLine[];
  /** The concatenated text of each stream, by lines. */
  readonly text: DiffLine[];
}

/** Compares two event streams by event sequence and by the text they carry. */
export function diffSse(a: string, b: string): SseDiff {
  const ea = parseSse(a);
  const eb = parseSse(b);
  return {
    events: { a: ea.length, b: eb.length },
    sequence: diffLines(ea.map(eventSignature), eb.map(eventSignature)),
    text: diffText(ea.map(eventText).join(""), eb.map(eventText).join("")),
  };
}
