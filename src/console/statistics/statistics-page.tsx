"use client";

import { useMemo, useState, type ComponentProps } from "react";
import { ChartColumnIcon, DownloadIcon } from "lucide-react";
import type { StatsOverview, StatsQuery } from "@/contracts/stats";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import type { MessageKey } from "@/i18n/types";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { ErrorState } from "../error-state";
import { formatCount } from "../format";
import { selectGroups } from "../groups/group-api";
import { useApiQuery } from "../use-api-query";
import { useNow } from "../use-now";
import { BarsChart, CHART_COLORS, ChartCard, TimeSeriesChart } from "../observability/charts";
import { downloadFile } from "../observability/download-file";
import { formatCompact, formatMs, formatPercent, formatRate } from "../observability/format-metrics";
import { GroupFilter, RangePicker } from "../observability/range-picker";
import { buildPath, resolveRange, roundDown, type TimeRange } from "../observability/time-range";
import { CacheBreakdown } from "./cache-breakdown";
import { CostBreakdown } from "./cost-breakdown";
import { KeyBreakdown } from "./key-breakdown";
import { SplitTable } from "./split-table";
import { selectStatsOverview } from "./stats-api";

type Export = "csv" | "json" | "keysCsv";

const EXPORTS = {
  csv: { params: { format: "csv" }, fallback: "stats.csv", label: "observe.exportCsv" },
  json: { params: { format: "json" }, fallback: "stats.json", label: "observe.exportJson" },
  keysCsv: {
    params: { format: "csv", view: "keys" },
    fallback: "stats-keys.csv",
    label: "stats.exportKeysCsv",
  },
} as const satisfies Record<Export, { params: StatsQuery; fallback: string; label: MessageKey }>;
const EXPORT_KINDS: readonly Export[] = ["csv", "json", "keysCsv"];

/** Statistics: totals, time series, errors by code and the per-provider and per-key splits of a range. */
export function StatisticsPage() {
  const { t, locale } = useI18n();
  const [range, setRange] = useState<TimeRange>({ preset: "24h", customFrom: "", customTo: "" });
  const [groupId, setGroupId] = useState("");
  const [exporting, setExporting] = useState<Export | null>(null);
  // The end of the current minute: the path changes once a minute, and the last seconds are included.
  const now = roundDown(useNow(60_000), 60_000) + 60_000;
  const resolved = resolveRange(range, now);
  const query = resolved ? { ...resolved, groupId: groupId || undefined } : null;
  // The cost and cache tables read the same range and group (they have no buckets).
  const scope = resolved ? { from: resolved.from, to: resolved.to, groupId: groupId || undefined } : null;
  const path = query ? buildPath(endpoints.statsOverview, query) : endpoints.statsOverview;
  const stats = useApiQuery(path, selectStatsOverview);
  const groups = useApiQuery(endpoints.groups, selectGroups);
  const data = stats.data;

  async function exportAs(kind: Export) {
    if (!query) return;
    setExporting(kind);
    try {
      const { params, fallback } = EXPORTS[kind];
      const name = await downloadFile(endpoints.statsOverview, { ...query, ...params }, fallback);
      toast.success(t("observe.exported", { name }));
    } catch (error) {
      toast.error(describeError(t, error));
    } finally {
      setExporting(null);
    }
  }

  const actions = (
    <div className="flex flex-wrap gap-2">
      {EXPORT_KINDS.map((kind) => (
        <Button
          key={kind}
          variant="outline"
          size="sm"
          disabled={!query || exporting !== null}
          onClick={() => void exportAs(kind)}
        >
          <DownloadIcon />
          {t(EXPORTS[kind].label)}
        </Button>
      ))}
    </div>
  );

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("stats.title")} description={t("stats.description")} actions={actions} />
      <div className="flex flex-col gap-2 sm:flex-row sm:flex-wrap sm:items-center sm:justify-between">
        <RangePicker value={range} onChange={setRange} />
        <GroupFilter groups={groups.data} value={groupId} onChange={setGroupId} />
      </div>
      {!resolved && <p className="text-sm text-destructive">{t("observe.rangeInvalid")}</p>}
      {stats.error && !data ? (
        <ErrorState message={describeError(t, stats.error)} onRetry={stats.reload} />
      ) : data && data.totals.requests === 0 && !stats.isRefreshing ? (
        <EmptyState icon={ChartColumnIcon} title={t("stats.emptyTitle")} description={t("stats.emptyText")} />
      ) : (
        <>
          <StatsBody data={data} locale={locale} />
          <CostBreakdown scope={scope} />
          <CacheBreakdown scope={scope} />
        </>
      )}
    </div>
  );
}

/** The figures of a range; `data` is undefined while the first answer loads (skeletons meanwhile). */
function StatsBody({ data, locale }: { data: StatsOverview | undefined; locale: string }) {
  const { t } = useI18n();
  const totals = data?.totals;
  const spanMs = data ? Date.parse(data.range.to) - Date.parse(data.range.from) : 0;
  const rows = useMemo(
    () =>
      data?.series.map((point) => ({
        t: point.t,
        rps: point.requestsPerSecond,
        success: point.successRate,
        p50: point.latencyMs.p50,
        p95: point.latencyMs.p95,
        p99: point.latencyMs.p99,
        ttfb95: point.ttfbMs.p95,
      })),
    [data],
  );
  const errorRows = useMemo(
    () =>
      Object.entries(data?.totals.errorsByCode ?? {})
        .map(([label, value]) => ({ label, value }))
        .sort((a, b) => b.value - a.value)
        .slice(0, 8),
    [data],
  );
  const count = (value: number) => formatCount(locale, value);
  const ms = (value: number) => formatMs(locale, value);
  const cards: { label: string; value: string | undefined; sub?: string }[] = [
    {
      label: t("stats.requests"),
      value: totals && count(totals.requests),
      sub: totals && t("stats.errorsSub", { errors: count(totals.errors) }),
    },
    { label: t("stats.successRate"), value: totals && formatPercent(locale, totals.successRate) },
    {
      label: t("stats.latency"),
      value: totals && formatMs(locale, totals.latencyMs.p50),
      sub:
        totals &&
        `p95 ${formatMs(locale, totals.latencyMs.p95)} · p99 ${formatMs(locale, totals.latencyMs.p99)}`,
    },
    {
      label: t("stats.ttfb"),
      value: totals && formatMs(locale, totals.ttfbMs.p50),
      sub:
        totals && `p95 ${formatMs(locale, totals.ttfbMs.p95)} · p99 ${formatMs(locale, totals.ttfbMs.p99)}`,
    },
    {
      label: t("stats.tokens"),
      value: totals && formatCompact(locale, totals.tokens.input + totals.tokens.output),
      sub:
        totals &&
        t("stats.tokensSub", {
          input: formatCompact(locale, totals.tokens.input),
          output: formatCompact(locale, totals.tokens.output),
        }),
    },
  ];

  return (
    <>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5" data-testid="stats-cards">
        {cards.map((card) => (
          <Card key={card.label} className="gap-2">
            <CardHeader>
              <CardDescription className="font-medium">{card.label}</CardDescription>
            </CardHeader>
            <CardContent className="flex flex-col gap-1">
              {card.value === undefined ? (
                <>
                  <Skeleton className="h-8 w-20" />
                  <Skeleton className="h-3.5 w-28" />
                </>
              ) : (
                <>
                  <p className="text-2xl font-semibold tracking-tight tabular-nums">{card.value}</p>
                  <p className="min-h-4 text-xs text-muted-foreground tabular-nums">{card.sub ?? ""}</p>
                </>
              )}
            </CardContent>
          </Card>
        ))}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <SeriesCard
          title={t("stats.chartRate")}
          description={t("stats.chartRateHint")}
          rows={rows}
          spanMs={spanMs}
          area
          lines={[{ key: "rps", label: t("stats.rps"), color: CHART_COLORS[0] }]}
          formatValue={(value) => formatRate(locale, value)}
        />
        <SeriesCard
          title={t("stats.chartSuccess")}
          rows={rows}
          spanMs={spanMs}
          lines={[{ key: "success", label: t("stats.successRate"), color: "var(--success)" }]}
          unit="ratio"
          formatValue={(value) => formatPercent(locale, value)}
        />
        <SeriesCard
          title={t("stats.chartLatency")}
          rows={rows}
          spanMs={spanMs}
          lines={[
            { key: "p50", label: "p50", color: CHART_COLORS[1] },
            { key: "p95", label: "p95", color: CHART_COLORS[0] },
            { key: "p99", label: "p99", color: CHART_COLORS[3] },
            { key: "ttfb95", label: t("stats.ttfbP95"), color: CHART_COLORS[2] },
          ]}
          formatValue={ms}
        />
        <ChartCard
          title={t("stats.chartErrors")}
          loading={!data}
          empty={errorRows.length === 0}
          emptyText={t("stats.noErrors")}
        >
          <BarsChart rows={errorRows} formatValue={count} />
        </ChartCard>
      </div>
      <SplitTable
        title={t("stats.byProvider")}
        nameLabel={t("stats.provider")}
        entries={data?.providers}
        locale={locale}
        emptyText={t("observe.noData")}
        testId="stats-providers"
        renderName={(entry) => entry.name ?? entry.id ?? t("stats.noProvider")}
      />
      <KeyBreakdown entries={data?.keys} locale={locale} />
    </>
  );
}

/**
 * One time-series chart of the range; `rows` is undefined while the first answer loads. An empty
 * series says so in the card instead of drawing empty axes.
 */
function SeriesCard({
  title,
  description,
  rows,
  ...chart
}: Omit<ComponentProps<typeof TimeSeriesChart>, "rows"> & {
  title: string;
  description?: string;
  rows: ComponentProps<typeof TimeSeriesChart>["rows"] | undefined;
}) {
  const { t } = useI18n();
  return (
    <ChartCard
      title={title}
      description={description}
      loading={!rows}
      empty={rows?.length === 0}
      emptyText={t("observe.noData")}
    >
      {rows && <TimeSeriesChart rows={rows} {...chart} />}
    </ChartCard>
  );
}
