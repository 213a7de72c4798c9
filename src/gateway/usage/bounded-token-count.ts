/**
 * Token counts come from the upstream's bytes, so they are range-checked before they reach a log row
 * (an `integer` column: one absurd value would fail the whole batch insert). A count must be an
 * integer in [0, MAX_TOKEN_COUNT]; anything else — 1e20, -5, 12.5, "12", NaN — is dropped and noted
 * as an anomaly, which the gateway logs as a warning. The row is written either way.
 */

/** Far above any model's context window, far below the column's 2^31 − 1. */
export const MAX_TOKEN_COUNT = 100_000_000;

const MAX_SHOWN = 40;

/** A valid count, or undefined (absent silently; invalid with an entry in `anomalies`). */
export function readTokenCount(value: unknown, field: string, anomalies: string[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_TOKEN_COUNT) {
    return value;
  }
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  anomalies.push(`${field}=${shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN)}…` : shown}`);
  return undefined;
}

/** A sum of valid counts, clamped to MAX_TOKEN_COUNT (noted) when several large parts add up past it. */
export function clampTokenSum(sum: number, field: string, anomalies: string[]): number {
  if (sum <= MAX_TOKEN_COUNT) return sum;
  anomalies.push(`${field}=${sum} (clamped)`);
  return MAX_TOKEN_COUNT;
}
