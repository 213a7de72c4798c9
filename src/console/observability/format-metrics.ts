/** Number formats of the observability pages (locale-aware, "—" for missing values). */

/** 0.9734 → "97.3%". */
export function formatPercent(locale: string, ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return "—";
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(ratio);
}

/** 1234.5 → "1,235 ms", 0.42 → "0.42 ms". */
export function formatMs(locale: string, ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  const digits = ms < 10 ? 2 : 0;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(ms)} ms`;
}

/** A rate: two significant digits below 1 (0.0017), compact above (1.2K). */
export function formatRate(locale: string, value: number): string {
  if (value > 0 && value < 1) {
    return new Intl.NumberFormat(locale, { maximumSignificantDigits: 2 }).format(value);
  }
  return formatCompact(locale, value);
}

/** 1234567 → "1.2M". */
export function formatCompact(locale: string, value: number): string {
  return new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 }).format(value);
}

/** A chart axis time label: seconds too within minutes, hours and minutes within a day, else the date too. */
export function formatAxisTime(locale: string, iso: string, spanMs: number): string {
  const time = Date.parse(iso);
  const options: Intl.DateTimeFormatOptions =
    spanMs > 36 * 3_600_000
      ? { month: "numeric", day: "numeric", hour: "2-digit" }
      : spanMs <= 15 * 60_000
        ? { hour: "2-digit", minute: "2-digit", second: "2-digit" }
        : { hour: "2-digit", minute: "2-digit" };
  return new Intl.DateTimeFormat(locale, options).format(time);
}
