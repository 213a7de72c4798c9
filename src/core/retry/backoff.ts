/**
 * Retry delays. Exponential backoff with full jitter (AWS architecture blog): the wait is uniform in
 * [0, min(cap, base × 2^retry)), which spreads a herd of retries instead of synchronising it. A
 * Retry-After from the upstream wins when it is within the cap; a longer one is ignored (the caller
 * should move to another provider now rather than park the client), and no delay ever outlives the
 * request's remaining deadline.
 */

export interface BackoffOptions {
  /** Ceiling of the first retry's delay window, ms. */
  readonly baseMs: number;
  /** Largest delay window, ms; also the longest Retry-After honoured. */
  readonly capMs: number;
}

/** Returns a full-jitter delay (whole ms) for the `retryIndex`-th retry (0 = first retry). */
export function computeBackoffMs(retryIndex: number, options: BackoffOptions, random: () => number): number {
  const exponent = Math.max(0, Math.floor(retryIndex));
  const base = Math.max(0, options.baseMs);
  const cap = Math.max(0, options.capMs);
  // 2 ** large overflows to Infinity, which min() then caps: no special case needed.
  const window = Math.min(cap, base * 2 ** exponent);
  const fraction = Math.min(1, Math.max(0, random()));
  return Math.floor(fraction * window);
}

const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;
const WEEKDAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const WEEKDAY_LONG = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTH = `(${MONTHS.join("|")})`;
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
// The three HTTP-date forms of RFC 9110 §5.6.7: IMF-fixdate, obsolete RFC 850 and asctime.
const IMF_FIXDATE = new RegExp(`^${WEEKDAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC_850 = new RegExp(`^${WEEKDAY_LONG}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${WEEKDAY} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

/** Builds a UTC timestamp, or undefined when a field is out of range (e.g. 31 Feb, 25:00). */
function toTimestamp(year: number, month: string, day: number, h: number, m: number, s: number) {
  const monthIndex = MONTHS.indexOf(month);
  if (h > 23 || m > 59 || s > 60) return undefined;
  const ms = Date.UTC(year, monthIndex, day, h, m, Math.min(s, 59));
  // Date.UTC rolls 31 Feb over into March: reject instead of guessing.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  return ms;
}

/** Parses an HTTP-date in any of its three RFC forms into epoch ms, or undefined. */
function parseHttpDate(value: string, nowMs: number): number | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match) {
    const [, day, month, year, h, m, s] = match;
    return toTimestamp(Number(year), month!, Number(day), Number(h), Number(m), Number(s));
  }
  match = RFC_850.exec(value);
  if (match) {
    const [, day, month, yy, h, m, s] = match;
    // RFC 9110: a two-digit year more than 50 years in the future means the previous century.
    const thisYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(yy);
    if (year > thisYear + 50) year -= 100;
    return toTimestamp(year, month!, Number(day), Number(h), Number(m), Number(s));
  }
  match = ASCTIME.exec(value);
  if (match) {
    const [, month, day, h, m, s, year] = match;
    return toTimestamp(Number(year), month!, Number(day!.trim()), Number(h), Number(m), Number(s));
  }
  return undefined;
}

/**
 * Parses a Retry-After header (delta-seconds or HTTP-date) into a wait in ms from `nowMs`; a date in
 * the past gives 0, anything invalid gives undefined. Fractional seconds are accepted because some
 * upstreams send them, though the RFC only allows integers.
 */
export function parseRetryAfterMs(headerValue: string | null | undefined, nowMs: number): number | undefined {
  if (headerValue === null || headerValue === undefined) return undefined;
  const value = headerValue.trim();
  if (value === "") return undefined;
  if (DELTA_SECONDS.test(value)) {
    const ms = Math.ceil(Number(value) * 1000);
    return Number.isFinite(ms) ? ms : undefined;
  }
  const at = parseHttpDate(value, nowMs);
  return at === undefined ? undefined : Math.max(0, at - nowMs);
}

export interface RetryDelayInput {
  /** 0 for the first retry. */
  readonly retryIndex: number;
  readonly backoff: BackoffOptions;
  readonly random: () => number;
  /** Parsed Retry-After of the failed attempt (see parseRetryAfterMs), if any. */
  readonly retryAfterMs?: number;
  /** Time left before the request's overall deadline, ms; omit when there is none. */
  readonly remainingMs?: number;
}

export interface RetryDelay {
  /** How long to wait before the next attempt, ms (already clamped to the deadline). */
  readonly delayMs: number;
  /** What decided the delay. */
  readonly source: "retry_after" | "backoff";
  /**
   * True when the upstream asked for a wait longer than the cap: the header was ignored, and the
   * caller should prefer another provider immediately (the failed one is excluded anyway).
   */
  readonly retryAfterIgnored: boolean;
  /** True when the delay was cut to the remaining deadline (a retry then has no time left). */
  readonly clampedToDeadline: boolean;
}

/** Chooses the delay before the next attempt from backoff, Retry-After and the remaining deadline. */
export function chooseRetryDelayMs(input: RetryDelayInput): RetryDelay {
  const { retryAfterMs, remainingMs } = input;
  const cap = Math.max(0, input.backoff.capMs);
  const usable = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0;
  const honoured = usable && retryAfterMs <= cap;
  let delayMs = honoured
    ? Math.ceil(retryAfterMs)
    : computeBackoffMs(input.retryIndex, input.backoff, input.random);
  let clampedToDeadline = false;
  if (remainingMs !== undefined) {
    const limit = Math.max(0, Math.floor(remainingMs));
    if (delayMs > limit) {
      delayMs = limit;
      clampedToDeadline = true;
    }
  }
  return {
    delayMs,
    source: honoured ? "retry_after" : "backoff",
    retryAfterIgnored: usable && !honoured,
    clampedToDeadline,
  };
}
