"use client";

import { useMemo, useState } from "react";
import Link from "next/link";
import { ArrowLeftIcon, PencilIcon, SearchXIcon } from "lucide-react";
import type { Provider } from "@/contracts/providers";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { ErrorState } from "../error-state";
import { formatCount } from "../format";
import { HealthStateBadge } from "../health/health-state-badge";
import { useHealthReport } from "../health/use-provider-health";
import { CHART_COLORS, ChartCard, TimeSeriesChart, type SeriesLine } from "../observability/charts";
import { formatMs, formatPercent } from "../observability/format-metrics";
import { RangePicker } from "../observability/range-picker";
import { buildPath, resolveRange, roundDown, type TimeRange } from "../observability/time-range";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { useNow } from "../use-now";
import { HealthHistoryCard } from "./health-history-card";
import { selectProvider, selectProviderStats } from "./provider-detail-api";
import { ProviderFormDialog } from "./provider-form-dialog";
import { ProviderMembershipsCard } from "./provider-memberships-card";
import { RecentErrorsCard } from "./recent-errors-card";

// Without the live stream the health report is polled this often.
const HEALTH_POLL_MS = 10_000;

/**
 * One provider: its settings at a glance, health now and over the range (state band from the stored
 * transitions), latency and error series, the latest failed requests and the groups it serves.
 */
export function ProviderDetailPage({ providerId }: { providerId: string }) {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const canEdit = user?.role !== "viewer";
  const [range, setRange] = useState<TimeRange>({ preset: "24h", customFrom: "", customTo: "" });
  const [editing, setEditing] = useState(false);
  // The end of the current minute: the paths change once a minute, and the last seconds are included.
  const now = roundDown(useNow(60_000), 60_000) + 60_000;
  const clock = useNow();
  const resolved = resolveRange(range, now);
  const providerQuery = useApiQuery(endpoints.provider(providerId), selectProvider);
  const statsPath = buildPath(endpoints.providerStats(providerId), resolved ?? {});
  const stats = useApiQuery(statsPath, selectProviderStats);
  const { health } = useHealthReport(HEALTH_POLL_MS);
  const provider = providerQuery.data;
  const current = health.data?.providers.find((p) => p.providerId === providerId);
  const data = stats.data;
  const from = data ? Date.parse(data.range.from) : (resolved?.from ?? now);
  const to = data ? Math.min(Date.parse(data.range.to), clock) : (resolved?.to ?? now);
  const rows = useMemo(
    () =>
      data?.series.map((point) => ({
        t: point.t,
        p50: point.latencyMs.p50,
        p95: point.latencyMs.p95,
        ttfb95: point.ttfbMs.p95,
        errors: point.errors,
        requests: point.requests,
      })),
    [data],
  );
  const spanMs = to - from;

  const back = (
    <Link
      href="/providers"
      className="inline-flex w-fit items-center gap-1.5 rounded-sm text-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
    >
      <ArrowLeftIcon className="size-4" aria-hidden />
      {t("providers.back")}
    </Link>
  );

  if (providerQuery.error && !provider) {
    const missing =
      providerQuery.error.code === "PROVIDER_NOT_FOUND" || providerQuery.error.code === "VALIDATION_FAILED";
    return (
      <div className="flex flex-col gap-6">
        {back}
        {missing ? (
          <EmptyState
            icon={SearchXIcon}
            title={t("providers.notFoundTitle")}
            description={t("providers.notFoundText")}
          />
        ) : (
          <ErrorState message={describeError(t, providerQuery.error)} onRetry={providerQuery.reload} />
        )}
      </div>
    );
  }

  const totals = data?.totals;
  const cards: { label: string; value: string | undefined; sub?: string }[] = [
    {
      label: t("stats.requests"),
      value: totals && formatCount(locale, totals.requests),
      sub: totals && t("stats.errorsSub", { errors: formatCount(locale, totals.errors) }),
    },
    { label: t("stats.successRate"), value: totals && formatPercent(locale, totals.successRate) },
    {
      label: t("stats.latency"),
      value: totals && formatMs(locale, totals.latencyMs.p50),
      sub: totals && `p95 ${formatMs(locale, totals.latencyMs.p95)}`,
    },
    {
      label: t("stats.ttfb"),
      value: totals && formatMs(locale, totals.ttfbMs.p50),
      sub: totals && `p95 ${formatMs(locale, totals.ttfbMs.p95)}`,
    },
  ];
  const latencyLines: SeriesLine[] = [
    { key: "p50", label: "p50", color: CHART_COLORS[1] },
    { key: "p95", label: "p95", color: CHART_COLORS[0] },
    { key: "ttfb95", label: t("stats.ttfbP95"), color: CHART_COLORS[2] },
  ];
  const errorLines: SeriesLine[] = [
    { key: "requests", label: t("stats.requests"), color: CHART_COLORS[1] },
    { key: "errors", label: t("providers.errors"), color: "var(--destructive)" },
  ];
  const hasTraffic = (totals?.requests ?? 0) > 0;

  return (
    <div className="flex flex-col gap-6">
      {back}
      <ProviderHeader
        provider={provider}
        state={current?.state}
        canEdit={canEdit}
        onEdit={() => setEditing(true)}
      />
      <RangePicker value={range} onChange={setRange} />
      {!resolved && <p className="text-sm text-destructive">{t("observe.rangeInvalid")}</p>}
      {stats.error && !data ? (
        <ErrorState message={describeError(t, stats.error)} onRetry={stats.reload} />
      ) : (
        <>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="provider-cards">
            {cards.map((card) => (
              <Card key={card.label} className="gap-2">
                <CardHeader>
                  <CardDescription className="font-medium">{card.label}</CardDescription>
                </CardHeader>
                <CardContent className="flex flex-col gap-1">
                  {card.value === undefined ? (
                    <Skeleton className="h-8 w-20" />
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
          <HealthHistoryCard
            events={data?.healthEvents}
            from={from}
            to={to}
            current={current?.state ?? null}
            loading={!data || !health.data}
          />
          <div className="grid gap-4 lg:grid-cols-2">
            <ChartCard
              title={t("stats.chartLatency")}
              loading={!rows}
              empty={!hasTraffic}
              emptyText={t("observe.noData")}
              testId="provider-latency"
            >
              <TimeSeriesChart
                rows={rows ?? []}
                lines={latencyLines}
                spanMs={spanMs}
                formatValue={(value) => formatMs(locale, value)}
              />
            </ChartCard>
            <ChartCard
              title={t("providers.chartErrors")}
              loading={!rows}
              empty={!hasTraffic}
              emptyText={t("observe.noData")}
              testId="provider-errors"
            >
              <TimeSeriesChart
                rows={rows ?? []}
                lines={errorLines}
                spanMs={spanMs}
                formatValue={(value) => formatCount(locale, value)}
              />
            </ChartCard>
          </div>
          {resolved && (
            <RecentErrorsCard
              providerId={providerId}
              from={resolved.from}
              to={resolved.to}
              errorsByCode={totals?.errorsByCode}
              now={clock}
            />
          )}
        </>
      )}
      <ProviderMembershipsCard providerId={providerId} groups={health.data?.groups} />
      {provider && (
        <ProviderFormDialog
          open={editing}
          onOpenChange={setEditing}
          provider={provider}
          onSaved={(saved) => {
            providerQuery.setData(() => saved);
            setEditing(false);
            toast.success(t("providers.updated", { name: saved.name }));
          }}
        />
      )}
    </div>
  );
}

/** Name, state, base URL and the limits that shape its traffic; Edit for admins. */
function ProviderHeader({
  provider,
  state,
  canEdit,
  onEdit,
}: {
  provider: Provider | undefined;
  state: Parameters<typeof HealthStateBadge>[0]["state"] | undefined;
  canEdit: boolean;
  onEdit: () => void;
}) {
  const { t, locale } = useI18n();
  if (!provider) {
    return (
      <div className="flex flex-col gap-2">
        <Skeleton className="h-8 w-48" />
        <Skeleton className="h-5 w-72 max-w-full" />
      </div>
    );
  }
  const facts = [
    t("providers.factWeight", { weight: provider.weight }),
    provider.rateLimitPerMinute === null
      ? null
      : t("providers.factRateLimit", { n: formatCount(locale, provider.rateLimitPerMinute) }),
    provider.maxConcurrency === null
      ? null
      : t("providers.factConcurrency", { n: formatCount(locale, provider.maxConcurrency) }),
    provider.models.length === 0
      ? t("providers.factAllModels")
      : t("providers.factModels", { models: provider.models.join(", ") }),
  ].filter((fact): fact is string => fact !== null);
  return (
    <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
      <div className="flex min-w-0 flex-col gap-1">
        <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold tracking-tight">
          <span className="truncate">{provider.name}</span>
          {state && <HealthStateBadge state={state} />}
          {!provider.enabled && <Badge variant="secondary">{t("common.disabled")}</Badge>}
        </h1>
        <p className="truncate font-mono text-sm text-muted-foreground">{provider.baseUrl}</p>
        <p className="text-sm text-muted-foreground" data-testid="provider-facts">
          {facts.join(" · ")}
        </p>
        {provider.description && <p className="text-sm">{provider.description}</p>}
      </div>
      {canEdit && (
        <Button variant="outline" onClick={onEdit} className="shrink-0">
          <PencilIcon />
          {t("common.edit")}
        </Button>
      )}
    </div>
  );
}
