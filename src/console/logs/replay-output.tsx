"use client";

import Link from "next/link";
import { GitCompareArrowsIcon, LoaderCircleIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useI18n } from "@/i18n/i18n-provider";
import { formatMs } from "../observability/format-metrics";
import { prettyJson } from "./json-input";
import type { ReplayEvent, ReplayResult } from "./log-debug-api";
import { eventDeltaText } from "./replay-stream";

/** The diff page comparing log `a` with log `b`. */
export function diffHref(a: string, b: string): string {
  return `/logs/diff?${new URLSearchParams({ a, b }).toString()}`;
}

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return "";
  return typeof body === "string" ? prettyJson(body) : JSON.stringify(body, null, 2);
}

/**
 * A replay's answer: the events and the text they carry as they stream in, then the status, timings,
 * headers and body, with the way to the diff against the original.
 */
export function ReplayOutput({
  originalId,
  events,
  result,
}: {
  originalId: string;
  events: readonly ReplayEvent[];
  result: ReplayResult | undefined;
}) {
  const { t, locale } = useI18n();
  const allEvents = result?.events && result.events.length > 0 ? result.events : events;
  const text = allEvents.map((event) => eventDeltaText(event.data)).join("");
  const body = result ? bodyText(result.body) : "";
  const ok = result ? result.status >= 200 && result.status < 400 : false;
  return (
    <section className="flex flex-col gap-3 border-t pt-4" data-testid="replay-output" aria-live="polite">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="flex items-center gap-2 text-sm font-semibold">
          {t("debug.answer")}
          {result ? (
            <Badge variant={ok ? "success" : "destructive"} data-testid="replay-status">
              {result.status}
            </Badge>
          ) : (
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
            ttfb: formatMs(locale, result.timings.ttfbMs ?? null),
            total: formatMs(locale, result.timings.totalMs ?? null),
          })}
        </p>
      )}
      {allEvents.length > 0 && (
        <>
          <p className="text-xs text-muted-foreground">{t("debug.streamText")}</p>
          <pre
            className="max-h-48 overflow-auto rounded-md bg-muted p-3 font-mono text-xs break-all whitespace-pre-wrap"
            data-testid="replay-text"
          >
            {text || " "}
          </pre>
          <details className="text-xs">
            <summary className="cursor-pointer text-muted-foreground">
              {t("debug.events", { count: allEvents.length })}
            </summary>
            <ol className="mt-2 max-h-48 overflow-auto rounded-md bg-muted p-3 font-mono break-all">
              {allEvents.map((event, index) => (
                <li key={index}>
                  {event.event && <span className="text-muted-foreground">{event.event} </span>}
                  {event.data}
                </li>
              ))}
            </ol>
          </details>
        </>
      )}
      {result && body && (
        <pre
          className="max-h-64 overflow-auto rounded-md bg-muted p-3 font-mono text-xs break-all whitespace-pre-wrap"
          data-testid="replay-body"
        >
          {body}
        </pre>
      )}
      {result && Object.keys(result.headers).length > 0 && (
        <details className="text-xs">
          <summary className="cursor-pointer text-muted-foreground">
            {t("debug.responseHeaders", { count: Object.keys(result.headers).length })}
          </summary>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 font-mono">
            {Object.entries(result.headers).map(([name, value]) => (
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
