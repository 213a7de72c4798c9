"use client";

import { useMemo, useState } from "react";
import { ChartColumnIcon, DownloadIcon } from "lucide-react";
import { statsOverviewSchema, type StatsOverview } from "@/contracts/stats";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import { readOne } from "../api-client";
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

function selectOverview(body: unknown): StatsOverview {
  return readOne(body, statsOverviewSchema);
}

/** Statistics: totals, time series, errors by code and the per-provider split of a range. */
export function StatisticsPage() {
  const { t, locale } = useI18n();
  const [range, setRange] = useState<TimeRange>({ preset: "24h", customFrom: "", customTo: "" });
  const [groupId, setGroupId] = useState("");
  const [exporting, setExporting] = useState<"csv" | "json" | null>(null);
  // The end of the current minute: the path changes once a minute, and the last seconds are included.
  const now = roundDown(useNow(60_000), 60_000) + 60_000;
  const resolved = resolveRange(range, now);
  const query = resolved ? { ...resolved, groupId: groupId || undefined } : null;
  const path = query ? buildPath(endpoints.statsOverview, query) : endpoints.statsOverview;
  const stats = useApiQuery(path, selectOverview);
  const groups = useApiQuery(endpoints.groups, selectGroups);
  const data = stats.data;
  const loading = !data;

  async function exportAs(format: "csv" | "json") {
    if (!query) return;
    setExporting(format);
    try {
      const name = await downloadFile(endpoints.statsOverview, { ...query, format }, `stats.${format}`);
      toast.success(t("observe.exported", { name }));
    } catch (error) {
      toast.error(describeError(t, error));
    } finally {
      setExporting(null);
    }
  }

  const actions = (
    <div className="flex gap-2">
      {(["csv", "json"] as const).map((format) => (
        <Button
          key={format}
          variant="outline"
          size="sm"
          disabled={!query || exporting !== null}
          onClick={() => void exportAs(format)}
        >
          <DownloadIcon />
          {t(format === "csv" ? "observe.exportCsv" : "observe.exportJson")}
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
        <StatsBody data={data} loading={loading} locale={locale} />
      )}
    </div>
  );
}

function StatsBody({
  data,
  loading,
  locale,
}: {
  data: StatsOverview | undefined;
  loading: boolean;
  locale: string;
}) {
  const { t } = useI18n();
  const totals = data?.totals;
  const spanMs = data ? Date.parse(data.range.to) - Date.parse(data.range.from) : 0;
  const rows = useMemo(
    () =>
      (data?.series ?? []).map((point) => ({
        t: point.t,
        rps: point.requestsPerSecond,
        success: point.successRate,
        p50: point.latencyMs.p50,
        p95: point.latencyMs.p95,
        p99: point.latencyMs.p99,
        ttfb50: point.ttfbMs.p50,
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
              {card.value === undefined || loading ? (
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
        <ChartCard
          title={t("stats.chartRate")}
          description={t("stats.chartRateHint")}
          loading={loading}
          empty={rows.length === 0}
          emptyText={t("observe.noData")}
        >
          <TimeSeriesChart
            area
            rows={rows}
            spanMs={spanMs}
            lines={[{ key: "rps", label: t("stats.rps"), color: CHART_COLORS[0] }]}
            formatValue={(value) => formatRate(locale, value)}
          />
        </ChartCard>
        <ChartCard
          title={t("stats.chartSuccess")}
          loading={loading}
          empty={rows.length === 0}
          emptyText={t("observe.noData")}
        >
          <TimeSeriesChart
            rows={rows}
            spanMs={spanMs}
            lines={[{ key: "success", label: t("stats.successRate"), color: "var(--success)" }]}
            formatValue={(value) => formatPercent(locale, value)}
          />
        </ChartCard>
        <ChartCard
          title={t("stats.chartLatency")}
          loading={loading}
          empty={rows.length === 0}
          emptyText={t("observe.noData")}
        >
          <TimeSeriesChart
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
        </ChartCard>
        <ChartCard
          title={t("stats.chartErrors")}
          loading={loading}
          empty={errorRows.length === 0}
          emptyText={t("stats.noErrors")}
        >
          <BarsChart rows={errorRows} formatValue={count} />
        </ChartCard>
      </div>
      <ProviderSplit data={data} loading={loading} locale={locale} />
    </>
  );
}

function ProviderSplit({
  data,
  loading,
  locale,
}: {
  data: StatsOverview | undefined;
  loading: boolean;
  locale: string;
}) {
  const { t } = useI18n();
  return (
    <Card className="gap-0 py-0">
      <div className="border-b p-4 text-sm font-semibold">{t("stats.byProvider")}</div>
      <Table data-testid="stats-providers">
        <TableHeader>
          <TableRow>
            <TableHead>{t("stats.provider")}</TableHead>
            <TableHead className="text-right">{t("stats.requests")}</TableHead>
            <TableHead className="text-right">{t("stats.successRate")}</TableHead>
            <TableHead className="hidden text-right md:table-cell">p50</TableHead>
            <TableHead className="hidden text-right md:table-cell">p95</TableHead>
            <TableHead className="hidden text-right lg:table-cell">{t("stats.ttfbP95")}</TableHead>
            <TableHead className="hidden text-right lg:table-cell">{t("stats.tokens")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {loading || !data
            ? [0, 1, 2].map((row) => (
                <TableRow key={row}>
                  <TableCell colSpan={7}>
                    <Skeleton className="h-5 w-full" />
                  </TableCell>
                </TableRow>
              ))
            : data.providers.map((entry) => (
                <TableRow key={entry.id ?? "none"}>
                  <TableCell className="font-medium">
                    {entry.name ?? entry.id ?? t("stats.noProvider")}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {formatCount(locale, entry.requests)}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {formatPercent(locale, entry.successRate)}
                  </TableCell>
                  <TableCell className="hidden text-right tabular-nums md:table-cell">
                    {formatMs(locale, entry.latencyMs.p50)}
                  </TableCell>
                  <TableCell className="hidden text-right tabular-nums md:table-cell">
                    {formatMs(locale, entry.latencyMs.p95)}
                  </TableCell>
                  <TableCell className="hidden text-right tabular-nums lg:table-cell">
                    {formatMs(locale, entry.ttfbMs.p95)}
                  </TableCell>
                  <TableCell className="hidden text-right tabular-nums lg:table-cell">
                    {formatCompact(locale, entry.tokens.input)} / {formatCompact(locale, entry.tokens.output)}
                  </TableCell>
                </TableRow>
              ))}
        </TableBody>
      </Table>
    </Card>
  );
}
