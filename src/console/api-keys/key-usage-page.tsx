"use client";

import { RefreshCwIcon, SearchXIcon } from "lucide-react";
import type { UsageWindow } from "@/contracts/key-usage";
import type { Quota } from "@/contracts/quota";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { useI18n } from "@/i18n/i18n-provider";
import { BackLink } from "../back-link";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { ErrorState } from "../error-state";
import { formatCount, formatDateTime, formatUsd } from "../format";
import { QuotaForm } from "../quotas/quota-form";
import { UsageBar } from "../quotas/usage-bar";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { updateApiKey } from "./api-key-api";
import { selectApiKey, selectKeyUsage } from "./key-usage-api";

/** One gateway key's usage this quota day and month against its quota, and the quota's editor. */
export function KeyUsagePage({ keyId }: { keyId: string }) {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const canEdit = user?.role !== "viewer";
  const key = useApiQuery(endpoints.apiKey(keyId), selectApiKey);
  const usage = useApiQuery(endpoints.apiKeyUsage(keyId), selectKeyUsage);
  const back = <BackLink href="/api-keys" label={t("keyUsage.back")} />;

  const failed = key.error ?? usage.error;
  if (failed && !(key.data && usage.data)) {
    const missing = failed.code === "API_KEY_NOT_FOUND";
    return (
      <div className="flex flex-col gap-6">
        {back}
        {missing ? (
          <EmptyState
            icon={SearchXIcon}
            title={t("keyUsage.notFoundTitle")}
            description={t("keyUsage.notFoundText")}
          />
        ) : (
          <ErrorState
            message={describeError(t, failed)}
            onRetry={() => {
              key.reload();
              usage.reload();
            }}
          />
        )}
      </div>
    );
  }

  const quota: Quota | null = key.data?.quota ?? null;
  const count = (value: number) => formatCount(locale, value);
  const usd = (value: number) => formatUsd(locale, value);
  const save = async (next: Quota | null) => {
    const saved = await updateApiKey(keyId, { quota: next });
    key.setData(() => saved);
    usage.reload();
  };

  return (
    <div className="flex flex-col gap-6">
      {back}
      <div className="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
        <div className="flex min-w-0 flex-col gap-1">
          {key.data ? (
            <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold tracking-tight">
              <span className="truncate">{t("keyUsage.title", { name: key.data.name })}</span>
              {!key.data.enabled && <Badge variant="secondary">{t("common.disabled")}</Badge>}
            </h1>
          ) : (
            <Skeleton className="h-8 w-56" />
          )}
          {key.data ? (
            <p className="text-sm text-muted-foreground">
              <span className="font-mono">{key.data.keyMasked}</span>
              {usage.data && <> · {t("keyUsage.timeZone", { zone: usage.data.timeZone })}</>}
            </p>
          ) : (
            <Skeleton className="h-5 w-40" />
          )}
        </div>
        <Button variant="outline" onClick={usage.reload} disabled={usage.isLoading || usage.isRefreshing}>
          <RefreshCwIcon className={usage.isRefreshing ? "animate-spin" : undefined} aria-hidden />
          {t("common.refresh")}
        </Button>
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <WindowCard
          title={t("keyUsage.today")}
          window={usage.data?.day}
          locale={locale}
          rows={[
            {
              id: "day-requests",
              label: t("keyUsage.requests"),
              pick: (w) => w.requests,
              limit: quota?.requestsPerDay,
              format: count,
            },
            {
              id: "day-tokens",
              label: t("keyUsage.tokens"),
              pick: (w) => w.tokens,
              limit: quota?.tokensPerDay,
              format: count,
            },
            { id: "day-cost", label: t("keyUsage.cost"), pick: (w) => w.costUsd, limit: null, format: usd },
          ]}
        />
        <WindowCard
          title={t("keyUsage.thisMonth")}
          window={usage.data?.month}
          locale={locale}
          rows={[
            {
              id: "month-requests",
              label: t("keyUsage.requests"),
              pick: (w) => w.requests,
              limit: null,
              format: count,
            },
            {
              id: "month-tokens",
              label: t("keyUsage.tokens"),
              pick: (w) => w.tokens,
              limit: quota?.tokensPerMonth,
              format: count,
            },
            {
              id: "month-cost",
              label: t("keyUsage.cost"),
              pick: (w) => w.costUsd,
              limit: quota?.costPerMonthUsd,
              format: usd,
            },
          ]}
        />
      </div>

      {key.data ? (
        <QuotaForm
          quota={key.data.quota}
          canEdit={canEdit}
          description={t("keyUsage.quotaDescription")}
          save={save}
        />
      ) : (
        <Skeleton className="h-64 w-full" />
      )}
    </div>
  );
}

interface UsageRow {
  id: string;
  label: string;
  pick: (window: UsageWindow) => number;
  limit: number | null | undefined;
  format: (value: number) => string;
}

function WindowCard({
  title,
  window,
  locale,
  rows,
}: {
  title: string;
  window: UsageWindow | undefined;
  locale: string;
  rows: readonly UsageRow[];
}) {
  const { t } = useI18n();
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>
          {window ? t("keyUsage.resets", { when: formatDateTime(locale, window.resetsAt) }) : "\u00a0"}
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-5">
        {rows.map((row) =>
          window ? (
            <UsageBar
              key={row.id}
              testId={`usage-${row.id}`}
              label={row.label}
              used={row.pick(window)}
              limit={row.limit}
              format={row.format}
            />
          ) : (
            <Skeleton key={row.id} className="h-9 w-full" />
          ),
        )}
      </CardContent>
    </Card>
  );
}
