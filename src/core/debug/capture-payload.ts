/**
 * What one capture holds (stored as JSON in `request_captures.payload`): the client's request and,
 * per upstream attempt, the status, response headers and body (an event stream as its raw text).
 * Every text here was redacted before it was stored. Pure types and helpers.
 */

export interface CapturedBody {
  /** The redacted text of the kept bytes; null when there was no body. */
  readonly text: string | null;
  /** Size of the whole body. */
  readonly bytes: number;
  /** True when only the first bytes (the capture cap) were kept. */
  readonly truncated: boolean;
}

export interface CapturedAttempt {
  readonly providerId: string | null;
  readonly provider: string;
  /** Upstream status; null when none arrived (connect failure, timeout). */
  readonly status: number | null;
  readonly headers: Readonly<Record<string, string>> | null;
  /** Null when the body was not read (a transport failure, or not kept). */
  readonly body: CapturedBody | null;
}

export interface CapturePayload {
  readonly v: 1;
  readonly request: {
    readonly method: string;
    /** The path after the group slug, as forwarded upstream. */
    readonly path: string;
    /** `?…` or "". */
    readonly query: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: CapturedBody;
  };
  readonly attempts: readonly CapturedAttempt[];
}

/** The attempt whose answer the client got (the last one with a status, else the last). */
export function finalAttempt(payload: CapturePayload): CapturedAttempt | null {
  for (let i = payload.attempts.length - 1; i >= 0; i--) {
    if (payload.attempts[i]!.status !== null) return payload.attempts[i]!;
  }
  return payload.attempts.at(-1) ?? null;
}
