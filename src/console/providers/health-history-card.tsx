"use client";

import { useMemo } from "react";
import type { HealthEvent } from "@/contracts/stats";
import { HEALTH_STATES, type HealthStateName } from "@/core/vocabulary/health";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/components/ui/cn";
import { useI18n } from "@/i18n/i18n-provider";
import { formatDateTime } from "../format";
import { formatAxisTime, formatPercent } from "../observability/format-metrics";
import { buildHealthSegments, shareByState } from "./health-timeline";

/** The band colour of each state (the badge colours: green, amber, red, dark red). */
const STATE_COLORS: Record<HealthStateName, string> = {
  healthy: "bg-emerald-500",
  degraded: "bg-amber-500",
  unhealthy: "bg-red-500",
  ejected: "bg-red-800 dark:bg-red-700",
};

// The newest transitions listed under the band; the band itself draws all of them.
const LISTED_EVENTS = 8;

/**
 * The provider's health over the range as a band of states (from the stored transitions), with the
 * share of time in each state and the latest transitions with their reasons.
 */
export function HealthHistoryCard({
  events,
  from,
  to,
  current,
  loading,
}: {
  events: readonly HealthEvent[] | undefined;
  from: number;
  to: number;
  current: HealthStateName | null;
  loading: boolean;
}) {
  const { t, locale } = useI18n();
  const segments = useMemo(
    () => buildHealthSegments(events ?? [], from, to, current),
    [events, from, to, current],
  );
  const shares = shareByState(segments, from, to);
  const span = to - from;
  const listed = useMemo(
    () => [...(events ?? [])].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, LISTED_EVENTS),
    [events],
  );
  const stateLabel = (state: string) =>
    (HEALTH_STATES as readonly string[]).includes(state)
      ? t(`health.state_${state as HealthStateName}`)
      : state;

  return (
    <Card className="gap-3" data-testid="health-history">
      <CardHeader>
        <CardTitle className="text-sm">{t("providers.healthHistory")}</CardTitle>
        <CardDescription className="text-xs">{t("providers.healthHistoryHint")}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {loading ? (
          <Skeleton className="h-8 w-full" />
        ) : segments.length === 0 ? (
          <p className="rounded-md border border-dashed px-3 py-2 text-sm text-muted-foreground">
            {t("providers.healthHistoryEmpty")}
          </p>
        ) : (
          <div className="flex flex-col gap-1.5">
            <div
              className="relative flex h-8 w-full overflow-hidden rounded-md bg-muted"
              role="img"
              aria-label={t("providers.healthHistory")}
              data-testid="health-band"
            >
              {segments.map((segment) => (
                <div
                  key={segment.start}
                  data-state={segment.state}
                  className={cn("absolute inset-y-0", STATE_COLORS[segment.state])}
                  style={{
                    left: `${((segment.start - from) / span) * 100}%`,
                    width: `${Math.max(((segment.end - segment.start) / span) * 100, 0.3)}%`,
                  }}
                  title={`${stateLabel(segment.state)}: ${formatDateTime(locale, new Date(segment.start).toISOString())} – ${formatDateTime(locale, new Date(segment.end).toISOString())}`}
                />
              ))}
            </div>
            <div className="flex justify-between text-[11px] text-muted-foreground tabular-nums">
              <span>{formatAxisTime(locale, new Date(from).toISOString(), span)}</span>
              <span>{formatAxisTime(locale, new Date(to).toISOString(), span)}</span>
            </div>
          </div>
        )}
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-label={t("providers.healthShare")}>
          {HEALTH_STATES.map((state) => (
            <li key={state} className="flex items-center gap-1.5">
              <span className={cn("size-2.5 rounded-sm", STATE_COLORS[state])} aria-hidden />
              <span>{stateLabel(state)}</span>
              <span className="text-muted-foreground tabular-nums">
                {formatPercent(locale, shares[state])}
              </span>
            </li>
          ))}
        </ul>
        {listed.length > 0 && (
          <ol className="divide-y rounded-md border text-sm" data-testid="health-transitions">
            {listed.map((event) => (
              <li key={`${event.at}-${event.to}`} className="flex flex-wrap items-baseline gap-x-3 px-3 py-2">
                <time dateTime={event.at} className="text-xs text-muted-foreground tabular-nums">
                  {formatDateTime(locale, event.at)}
                </time>
                <span>
                  {stateLabel(event.from)} → <span className="font-medium">{stateLabel(event.to)}</span>
                </span>
                {event.reason && (
                  <span className="font-mono text-xs text-muted-foreground">{event.reason}</span>
                )}
              </li>
            ))}
          </ol>
        )}
      </CardContent>
    </Card>
  );
}
