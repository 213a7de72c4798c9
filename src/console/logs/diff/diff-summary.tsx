"use client";

import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { useI18n } from "@/i18n/i18n-provider";
import { formatDateTime } from "../../format";
import { formatMs } from "../../observability/format-metrics";
import { AttemptTimeline } from "../attempt-timeline";
import type { DiffSide, LogDiffView } from "../log-debug-api";
import { REMOVED_TEXT } from "./diff-colours";

/** "+12 ms" / "−3 ms" from A to B; empty when either is missing or they are equal. */
function delta(locale: string, a: number | null, b: number | null): string {
  if (a === null || b === null || a === b) return "";
  return `${b > a ? "+" : "−"}${formatMs(locale, Math.abs(b - a))}`;
}

function StatusPill({ side }: { side: DiffSide }) {
  const variant =
    side.status >= 200 && side.status < 400
      ? "success"
      : side.status >= 500 || side.status === 0
        ? "destructive"
        : "warning";
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <Badge
        variant={variant}
        className={variant === "destructive" ? `tabular-nums ${REMOVED_TEXT}` : "tabular-nums"}
      >
        {side.status || "—"}
      </Badge>
      {side.errorCode && (
        <span className="font-mono text-[11px] text-muted-foreground">{side.errorCode}</span>
      )}
    </span>
  );
}

function Row({ label, a, b, note }: { label: string; a: ReactNode; b: ReactNode; note?: string }) {
  return (
    <tr className="border-b align-top last:border-b-0">
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
export function DiffSummary({ diff }: { diff: LogDiffView }) {
  const { t, locale } = useI18n();
  const { a, b } = diff;
  const heading = (side: DiffSide, letter: string) => (
    <span className="flex flex-wrap items-center gap-2">
      {letter}
      <Badge variant={side.source === "replay" ? "secondary" : "outline"}>
        {t(`debug.source_${side.source}`)}
      </Badge>
    </span>
  );
  const request = (which: "a" | "b") =>
    diff.request ? (
      <code className="text-xs">{`${diff.request.method[which]} ${diff.request.path[which]}`}</code>
    ) : (
      "—"
    );
  return (
    <div className="overflow-x-auto rounded-md border" tabIndex={0}>
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
            <td className="px-3 py-2" />
            <th className="px-3 py-2 font-semibold">{heading(a, "A")}</th>
            <th className="px-3 py-2 font-semibold">{heading(b, "B")}</th>
          </tr>
        </thead>
        <tbody>
          <Row label={t("debug.request")} a={request("a")} b={request("b")} />
          <Row
            label={t("logs.time")}
            a={formatDateTime(locale, a.createdAt)}
            b={formatDateTime(locale, b.createdAt)}
          />
          <Row label={t("logs.provider")} a={a.providerName ?? "—"} b={b.providerName ?? "—"} />
          <Row label={t("logs.model")} a={a.model ?? "—"} b={b.model ?? "—"} />
          <Row label={t("logs.status")} a={<StatusPill side={a} />} b={<StatusPill side={b} />} />
          <Row
            label={t("logs.ttfb")}
            a={formatMs(locale, a.timings.ttfbMs)}
            b={formatMs(locale, b.timings.ttfbMs)}
            note={delta(locale, a.timings.ttfbMs, b.timings.ttfbMs)}
          />
          <Row
            label={t("logs.duration")}
            a={formatMs(locale, a.timings.totalMs)}
            b={formatMs(locale, b.timings.totalMs)}
            note={delta(locale, a.timings.totalMs, b.timings.totalMs)}
          />
          <Row label={t("debug.attemptsRow")} a={a.timings.attempts.length} b={b.timings.attempts.length} />
        </tbody>
      </table>
    </div>
  );
}

/** The attempt timelines of A and B next to each other. */
export function TimingsSideBySide({ diff }: { diff: LogDiffView }) {
  const t = useI18n().t;
  return (
    <div className="grid gap-6 md:grid-cols-2" data-testid="diff-timings">
      {(["a", "b"] as const).map((which) => {
        const side = diff[which];
        return (
          <div key={which} className="flex min-w-0 flex-col gap-2">
            <h4 className="text-xs font-semibold">{which.toUpperCase()}</h4>
            {side.timings.attempts.length === 0 ? (
              <p className="text-sm text-muted-foreground">{t("logs.noAttempts")}</p>
            ) : (
              <AttemptTimeline attempts={side.timings.attempts} totalMs={side.timings.totalMs} />
            )}
          </div>
        );
      })}
    </div>
  );
}
