/** Time ranges of the observability pages (pure: the clock is passed in). */
import type { StatsBucket } from "@/contracts/stats";

export const RANGE_PRESETS = ["1h", "24h", "7d", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export interface TimeRange {
  preset: RangePreset;
  /** `datetime-local` values of a custom range ("2026-11-27T10:00"), in the browser's time zone. */
  customFrom: string;
  customTo: string;
}

const HOUR = 3_600_000;
const SPANS: Record<Exclude<RangePreset, "custom">, { ms: number; bucket: StatsBucket }> = {
  "1h": { ms: HOUR, bucket: "1m" },
  "24h": { ms: 24 * HOUR, bucket: "30m" },
  "7d": { ms: 7 * 24 * HOUR, bucket: "3h" },
};

/** The query a range stands for: epoch-ms bounds and, for presets, a bucket giving ~50 points; null if invalid. */
export function resolveRange(
  range: TimeRange,
  now: number,
): { from: number; to: number; bucket?: StatsBucket } | null {
  if (range.preset !== "custom") {
    const span = SPANS[range.preset];
    return { from: now - span.ms, to: now, bucket: span.bucket };
  }
  const from = Date.parse(range.customFrom);
  const to = Date.parse(range.customTo);
  if (Number.isNaN(from) || Number.isNaN(to) || from >= to) return null;
  return { from, to };
}

/** A `datetime-local` value for `ms` in the browser's time zone. */
export function toLocalInput(ms: number): string {
  const date = new Date(ms);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Appends the defined `query` values to `path` (stable order, so equal queries give equal paths). */
export function buildPath(
  path: string,
  query: Record<string, string | number | boolean | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** Rounds `now` down to `stepMs`, so a query path stays the same between renders within one step. */
export function roundDown(now: number, stepMs: number): number {
  return Math.floor(now / stepMs) * stepMs;
}
