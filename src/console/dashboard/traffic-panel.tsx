"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader } from "@/components/ui/card";
import { useI18n } from "@/i18n/i18n-provider";
import { endpoints } from "../endpoints";
import { useApiQuery } from "../use-api-query";
import { useNow } from "../use-now";
import { CHART_COLORS, ChartCard, ShareChart, TimeSeriesChart } from "../observability/charts";
import { formatCompact, formatMs, formatPercent, formatRate } from "../observability/format-metrics";
import { buildPath, roundDown } from "../observability/time-range";
import { LIVE_HISTORY, useLiveStream, type TrafficSample } from "../observability/use-live-stream";
import { selectStatsOverview } from "../statistics/stats-api";

const DAY = 24 * 3_600_000;
const LIVE_SPAN = LIVE_HISTORY * 1000;

type RatePeriod = "live" | "day";

/** One point per live sample (one a second): the rate over its interval. */
function liveRows(history: readonly TrafficSample[]) {
  return history.map((s) => ({ t: new Date(s.at).toISOString(), rps: s.totals.rate }));
}

/** The dashboard's traffic: live tiles (when the stream is there), request rate, p95 and provider share (24 h). */
export function TrafficPanel() {
  const { t, locale } = useI18n();
  // The end of the current minute: the path changes once a minute, and the last seconds are included.
  const now = roundDown(useNow(60_000), 60_000) + 60_000;
  const stats = useApiQuery(
    buildPath(endpoints.statsOverview, { from: now - DAY, to: now, bucket: "30m" }),
    selectStatsOverview,
  );
  const live = useLiveStream();
  const [chosen, setChosen] = useState<RatePeriod | null>(null);
  // Live by default while the stream is there; the 24 h buckets otherwise (or when chosen).
  const period: RatePeriod = live.status === "live" ? (chosen ?? "live") : "day";
  const recent = useMemo(() => liveRows(live.history), [live.history]);
  const data = stats.data;
  const rows = useMemo(
    () => (data?.series ?? []).map((p) => ({ t: p.t, rps: p.requestsPerSecond, p95: p.latencyMs.p95 })),
    [data],
  );
  const shares = useMemo(
    () =>
      (data?.providers ?? [])
        .filter((p) => p.requests > 0)
        .map((p) => ({ label: p.name ?? t("stats.noProvider"), value: p.requests })),
    [data, t],
  );
  const loading = !data && !stats.error;
  const empty = !data || data.totals.requests === 0;
  // What every chart of the panel shares: the same day of traffic, loading and empty together.
  const last24h = {
    description: t("dashboard.last24h"),
    loading,
    empty,
    emptyText: t("dashboard.noTraffic"),
  };

  return (
    <section className="flex flex-col gap-4" aria-label={t("dashboard.traffic")}>
      {live.status === "live" && live.traffic && (
        <div className="grid gap-4 sm:grid-cols-3" data-testid="live-tiles">
          <LiveTile
            label={t("dashboard.liveRate")}
            value={`${formatRate(locale, live.traffic.totals.rate)}/s`}
          />
          <LiveTile
            label={t("dashboard.liveSuccess")}
            value={formatPercent(locale, live.traffic.totals.successRate)}
          />
          <LiveTile label={t("dashboard.liveInFlight")} value={String(live.traffic.totals.inFlight)} />
        </div>
      )}
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <ChartCard
            title={t("dashboard.rateChart")}
            {...last24h}
            {...(period === "live"
              ? { description: t("dashboard.liveMinutes"), loading: false, empty: recent.length === 0 }
              : null)}
            emptyText={period === "live" ? t("dashboard.liveWaiting") : last24h.emptyText}
            testId="dashboard-rate"
            action={
              live.status === "live" && (
                <div className="flex gap-1" role="group" aria-label={t("dashboard.ratePeriod")}>
                  {(["live", "day"] as const).map((p) => (
                    <Button
                      key={p}
                      variant={period === p ? "secondary" : "ghost"}
                      size="sm"
                      aria-pressed={period === p}
                      onClick={() => setChosen(p)}
                    >
                      {t(p === "live" ? "dashboard.periodLive" : "dashboard.periodDay")}
                    </Button>
                  ))}
                </div>
              )
            }
          >
            <TimeSeriesChart
              area
              rows={period === "live" ? recent : rows}
              spanMs={period === "live" ? LIVE_SPAN : DAY}
              lines={[{ key: "rps", label: t("stats.rps"), color: CHART_COLORS[0] }]}
              formatValue={(value) => formatRate(locale, value)}
            />
          </ChartCard>
        </div>
        <ChartCard title={t("dashboard.shareChart")} {...last24h} empty={shares.length === 0}>
          <ShareChart rows={shares} formatValue={(value) => formatCompact(locale, value)} />
        </ChartCard>
        <div className="lg:col-span-3">
          <ChartCard title={t("dashboard.p95Chart")} {...last24h}>
            <TimeSeriesChart
              rows={rows}
              spanMs={DAY}
              lines={[{ key: "p95", label: "p95", color: CHART_COLORS[3] }]}
              formatValue={(value) => formatMs(locale, value)}
            />
          </ChartCard>
        </div>
      </div>
      <p className="text-sm text-muted-foreground">
        <Link href="/statistics" className="underline-offset-4 hover:underline">
          {t("dashboard.moreStats")}
        </Link>
      </p>
    </section>
  );
}

function LiveTile({ label, value }: { label: string; value: string }) {
  return (
    <Card className="gap-2">
      <CardHeader>
        <CardDescription className="flex items-center gap-2 font-medium">
          <span className="size-2 animate-pulse rounded-full bg-success" aria-hidden />
          {label}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <p className="text-2xl font-semibold tracking-tight tabular-nums">{value}</p>
      </CardContent>
    </Card>
  );
}
