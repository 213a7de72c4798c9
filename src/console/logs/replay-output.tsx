"use client";

import Link from "next/link";
import { GitCompareArrowsIcon, LoaderCircleIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useI18n } from "@/i18n/i18n-provider";
import { formatMs } from "../observability/format-metrics";
import { prettyJson } from "./json-input";
import type { ReplayResult } from "./log-debug-api";
import { eventDeltaText, type ReplayProgress } from "./replay-stream";
import { REMOVED_TEXT } from "./diff/diff-colours";

// Scrollable regions take focus so they can be scrolled from the keyboard (axe: scrollable-region-focusable).
const PRE = "max-h-64 overflow-auto rounded-md bg-muted p-3 font-mono text-xs break-all whitespace-pre-wrap";

/** The diff page comparing log `a` with log `b`. */
export function diffHref(a: string, b: string): string {
  return `/logs/diff?${new URLSearchParams({ a, b }).toString()}`;
}

/**
 * A replay's answer: status and headers as soon as they arrive, the events (and the text they carry)
 * or the body as they stream in, then the timings and the way to the diff against the original.
 */
export function ReplayOutput({
  originalId,
  progress,
  result,
}: {
  originalId: string;
  /** What has arrived so far, while a streamed replay runs. */
  progress: ReplayProgress | undefined;
  result: ReplayResult | undefined;
}) {
  const { t, locale } = useI18n();
  const status = result?.status ?? progress?.head?.status;
  const headers = result?.headers ?? progress?.head?.headers ?? {};
  const events = result ? (result.events ?? []) : (progress?.events ?? []);
  const text = events.map((event) => eventDeltaText(event.data)).join("");
  const body = result ? (result.body === null ? "" : prettyJson(result.body)) : (progress?.text ?? "");
  const ok = status !== undefined && status >= 200 && status < 400;
  return (
    <section className="flex flex-col gap-3 border-t pt-4" data-testid="replay-output" aria-live="polite">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="flex items-center gap-2 text-sm font-semibold">
          {t("debug.answer")}
          {status !== undefined && (
            <Badge
              variant={ok ? "success" : "destructive"}
              className={ok ? undefined : REMOVED_TEXT}
              data-testid="replay-status"
            >
              {status}
            </Badge>
          )}
          {!result && (
            <span className="inline-flex items-center gap-1 text-xs font-normal text-muted-foreground">
              <LoaderCircleIcon className="size-3.5 animate-spin" aria-hidden />
              {t("debug.receiving", { count: events.length })}
            </span>
          )}
        </h3>
        {result && (
          <Button asChild size="sm" variant="outline">
            <Link href={diffHref(originalId, result.logId)}>
              <GitCompareArrowsIcon aria-hidden />
              {t("debug.compareWithOriginal")}
            </Link>
          </Button>
        )}
      </div>
      {result && (
        <p className="text-xs text-muted-foreground tabular-nums">
          {t("debug.timings", {
            ttfb: formatMs(locale, result.timings.ttfbMs),
            total: formatMs(locale, result.timings.totalMs),
            attempts: result.timings.attempts.length,
          })}
          {result.truncated && ` · ${t("logs.truncated")}`}
        </p>
      )}
      {events.length > 0 && (
        <>
          <p className="text-xs text-muted-foreground">{t("debug.streamText")}</p>
          <pre className={PRE} data-testid="replay-text" tabIndex={0}>
            {text || " "}
          </pre>
          <details className="text-xs">
            <summary className="cursor-pointer text-muted-foreground">
              {t("debug.events", { count: events.length })}
            </summary>
            <ol
              className="mt-2 max-h-48 overflow-auto rounded-md bg-muted p-3 font-mono break-all"
              tabIndex={0}
            >
              {events.map((event, index) => (
                <li key={index}>
                  <span className="text-muted-foreground">{event.event} </span>
                  {event.data}
                </li>
              ))}
            </ol>
          </details>
        </>
      )}
      {body && (
        <pre className={PRE} data-testid="replay-body" tabIndex={0}>
          {body}
        </pre>
      )}
      {Object.keys(headers).length > 0 && (
        <details className="text-xs">
          <summary className="cursor-pointer text-muted-foreground">
            {t("debug.responseHeaders", { count: Object.keys(headers).length })}
          </summary>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 font-mono">
            {Object.entries(headers).map(([name, value]) => (
              <div key={name} className="contents">
                <dt className="text-muted-foreground">{name}</dt>
                <dd className="break-all">{value}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </section>
  );
}
