/** Locale-aware formatting for console tables and cards (pure: the clock is passed in). */

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** "3 minutes ago" / "3 分钟前" for an ISO timestamp relative to `now` (ms since the epoch). */
export function formatRelativeTime(locale: string, iso: string, now: number): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return "—";
  // A row saved a moment ago can carry a server time slightly ahead of this (refreshed every 30 s) clock.
  const raw = Math.round((time - now) / 1000);
  const seconds = raw > 0 && raw < 120 ? 0 : raw;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto", style: "short" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "second") {
      return format.format(Math.trunc(seconds / size), unit);
    }
  }
  return format.format(0, "second");
}

/** A full local date and time, for tooltips next to relative times. */
export function formatDateTime(locale: string, iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" }).format(time);
}

/** A whole number with the locale's grouping (1,234). */
export function formatCount(locale: string, value: number): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** A USD amount: cents for amounts of a dollar or more, up to six decimals below ("$0.000123"). */
export function formatUsd(locale: string, value: number): string {
  const small = value !== 0 && Math.abs(value) < 1;
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: 2,
    maximumFractionDigits: small ? 6 : 2,
  }).format(value);
}
