import { subscribe } from "node:diagnostics_channel";
import type { AttemptRecord } from "../../db/schema/request-logs";

/**
 * Fills `AttemptRecord.connectMs`: the moment undici has a connected socket for the attempt and
 * writes its request head. undici announces that on the `undici:client:sendHeaders` diagnostics
 * channel with the raw head, which carries our `x-request-id`; attempts of one request run one at a
 * time, so the id names the attempt. Cost: one string search per upstream request.
 */

interface Watch {
  readonly record: AttemptRecord;
  readonly t0: number;
}

interface Registry {
  readonly watches: Map<string, Watch>;
}

// One registry per process (the channel is process-wide), created on first use, never at import.
const REGISTRY = Symbol.for("roundabout.gateway.connectTiming");
const MARKER = "\r\nx-request-id: ";

function registry(): Registry {
  const holder = globalThis as { [REGISTRY]?: Registry };
  let found = holder[REGISTRY];
  if (found === undefined) {
    found = { watches: new Map() };
    holder[REGISTRY] = found;
    subscribe("undici:client:sendHeaders", onSendHeaders);
  }
  return found;
}

function onSendHeaders(message: unknown): void {
  const head = (message as { headers?: unknown } | null)?.headers;
  if (typeof head !== "string") return;
  const at = head.indexOf(MARKER);
  if (at === -1) return;
  const start = at + MARKER.length;
  const end = head.indexOf("\r\n", start);
  const id = head.slice(start, end === -1 ? undefined : end);
  const watches = registry().watches;
  const watch = watches.get(id);
  if (watch === undefined) return;
  watches.delete(id);
  watch.record.connectMs = Math.round((performance.now() - watch.t0) * 10) / 10;
}

/** Sets `record.connectMs` (ms since `t0`) when the attempt's request head is sent. */
export function watchConnect(requestId: string, record: AttemptRecord, t0: number): void {
  registry().watches.set(requestId, { record, t0 });
}

/** Stops watching (the head was sent, or the attempt failed before). */
export function unwatchConnect(requestId: string): void {
  registry().watches.delete(requestId);
}
