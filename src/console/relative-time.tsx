"use client";

import { useI18n } from "@/i18n/i18n-provider";
import { formatDateTime, formatRelativeTime } from "./format";

/**
 * "3 min ago" in a `<time>` element whose tooltip is the full local date and time. `now` comes from
 * the page's `useNow`, so every time on a page moves with one clock.
 */
export function RelativeTime({ iso, now }: { iso: string; now: number }) {
  const { locale } = useI18n();
  return (
    <time dateTime={iso} title={formatDateTime(locale, iso)}>
      {formatRelativeTime(locale, iso, now)}
    </time>
  );
}
