import type { CaptureMode } from "../../core/vocabulary/capture";
import type { IncomingHttpHeaders } from "node:http";
import { captureChunk, createBodyCapture, type AttemptCapture } from "../../stats/capture-row";
import type { SnapshotGroup, SnapshotKey, SnapshotProvider } from "../snapshot/snapshot-types";

/**
 * The capture of one request while it runs (groups or keys with `capture` on): raw references and
 * copies of at most `maxBytes` per body, nothing decoded or redacted here — the capture writer does
 * that off the request path. A key's mode overrides its group's; `all` is sampled by the group's
 * `captureSampleRate`; `errors` keeps a request only if it ended in an error or needed a retry, so a
 * response body is copied only once its attempt is known to be one of those (see `wantsBody`).
 */

export interface CaptureSession {
  readonly mode: Exclude<CaptureMode, "off">;
  readonly maxBytes: number;
  readonly attempts: AttemptCapture[];
}

/** The session for a request of `key` on `group`, or null when it is not captured (mode, sampling). */
export function openCapture(
  group: SnapshotGroup,
  key: SnapshotKey,
  random: () => number,
): CaptureSession | null {
  const mode = key.capture ?? group.capture;
  if (mode === "off") return null;
  if (mode === "all" && group.captureSampleRate < 1 && random() >= group.captureSampleRate) return null;
  return { mode, maxBytes: group.captureMaxBytes, attempts: [] };
}

/** An attempt's capture with the session it belongs to (what the attempt's stages write to). */
export interface AttemptCaptureRef {
  readonly session: CaptureSession;
  readonly entry: AttemptCapture;
}

/** Adds the capture of an attempt that starts now. */
export function captureAttempt(session: CaptureSession, provider: SnapshotProvider): AttemptCaptureRef {
  const entry: AttemptCapture = { provider, status: null, headers: null, body: null };
  session.attempts.push(entry);
  return { session, entry };
}

/** The attempt's response head arrived: keep status and headers; start copying the body if wanted. */
export function captureHead(ref: AttemptCaptureRef, status: number, headers: IncomingHttpHeaders): void {
  ref.entry.status = status;
  ref.entry.headers = headers;
  if (wantsBody(ref.session, status)) ref.entry.body = createBodyCapture(ref.session.maxBytes);
}

/** One response chunk of the attempt (copied only when its body is being captured). */
export function captureData(ref: AttemptCaptureRef, chunk: Buffer): void {
  if (ref.entry.body !== null) captureChunk(ref.entry.body, chunk);
}

/** Chunks read before a failure (an SSE error event): kept whatever the mode, the request is an error. */
export function captureHeld(ref: AttemptCaptureRef, chunks: readonly Buffer[]): void {
  const body = (ref.entry.body ??= createBodyCapture(ref.session.maxBytes));
  for (const chunk of chunks) captureChunk(body, chunk);
}

/**
 * Whether an answer's body is copied: always in `all` mode; in `errors` mode when the status is an
 * error or the request already needed a retry (the request will be kept).
 */
export function wantsBody(session: CaptureSession, status: number): boolean {
  return session.mode === "all" || status >= 400 || session.attempts.length > 1;
}

/** Whether the finished request is kept: `all` always, `errors` for an error or a retried request. */
export function keepsCapture(session: CaptureSession, status: number, errorCode: string | null): boolean {
  return session.mode === "all" || errorCode !== null || status >= 400 || session.attempts.length > 1;
}
