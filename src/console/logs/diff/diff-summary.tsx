"use client";

import type { ReactNode } from "react";
import type { LogDetail } from "@/contracts/logs";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { useI18n } from "@/i18n/i18n-provider";
import { formatDateTime } from "../../format";
import { formatMs } from "../../observability/format-metrics";
import type { LogDiffView } from "../log-debug-api";
import { StatusBadge } from "../status-badge";

/** "+12 ms" / "−3 ms" from A to B; empty when either is missing or they are equal. */
function delta(locale: string, a: number | null, b: number | null): string {
  if (a === null || b === null || a === b) return "";
  return `${b > a ? "+" : "−"}${formatMs(locale, Math.abs(b - a))}`;
}

function Row({ label, a, b, note }: { label: string; a: ReactNode; b: ReactNode; note?: string }) {
  return (
    <tr className="border-b last:border-b-0 align-top">
      <th scope="row" className="px-3 py-1.5 text-left font-normal text-muted-foreground">
        {label}
      </th>
      <td className="px-3 py-1.5 break-all">{a}</td>
      <td className="px-3 py-1.5 break-all">
        {b}
        {note && <span className="ml-2 text-xs text-muted-foreground tabular-nums">({note})</span>}
      </td>
    </tr>
  );
}

/** The two requests side by side: what they were, the status each got, and their timings. */
export function DiffSummary({ a, b, diff }: { a: LogDetail; b: LogDetail; diff: LogDiffView }) {
  const { t, locale } = useI18n();
  const heading = (log: LogDetail, letter: string) => (
    <span className="flex flex-wrap items-center gap-2">
      {letter}
      <Badge variant={log.source === "replay" ? "secondary" : "outline"}>
        {t(`debug.source_${log.source}`)}
      </Badge>
    </span>
  );
  const ta = diff.timings.a;
  const tb = diff.timings.b;
  return (
    <div className="overflow-x-auto rounded-md border">
      <table
        className="w-full table-fixed text-sm"
        data-testid="diff-summary"
        aria-label={t("debug.summary")}
      >
        <colgroup>
          <col className="w-32" />
          <col />
          <col />
        </colgroup>
        <thead>
          <tr className="border-b text-left">
            <th className="px-3 py-2" />
            <th className="px-3 py-2 font-semibold">{heading(a, "A")}</th>
            <th className="px-3 py-2 font-semibold">{heading(b, "B")}</th>
          </tr>
        </thead>
        <tbody>
          <Row
            label={t("debug.request")}
            a={<code className="text-xs">{`${a.method} ${a.path}`}</code>}
            b={<code className="text-xs">{`${b.method} ${b.path}`}</code>}
          />
          <Row
            label={t("logs.time")}
            a={formatDateTime(locale, a.createdAt)}
            b={formatDateTime(locale, b.createdAt)}
          />
          <Row label={t("logs.group")} a={a.groupSlug ?? "—"} b={b.groupSlug ?? "—"} />
          <Row label={t("logs.provider")} a={a.providerName ?? "—"} b={b.providerName ?? "—"} />
          <Row label={t("logs.model")} a={a.model ?? "—"} b={b.model ?? "—"} />
          <Row
            label={t("logs.status")}
            a={<StatusBadge log={{ ...a, status: diff.status.a }} />}
            b={
              <span className={cn(diff.status.a !== diff.status.b && "font-semibold")}>
                <StatusBadge log={{ ...b, status: diff.status.b }} />
              </span>
            }
          />
          <Row
            label={t("logs.ttfb")}
            a={formatMs(locale, ta.ttfbMs)}
            b={formatMs(locale, tb.ttfbMs)}
            note={delta(locale, ta.ttfbMs, tb.ttfbMs)}
          />
          <Row
            label={t("logs.duration")}
            a={formatMs(locale, ta.totalMs)}
            b={formatMs(locale, tb.totalMs)}
            note={delta(locale, ta.totalMs, tb.totalMs)}
          />
          <Row label={t("debug.attemptsRow")} a={ta.attempts} b={tb.attempts} />
        </tbody>
      </table>
    </div>
  );
}
