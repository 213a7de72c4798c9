"use client";

import { useState } from "react";
import { HistoryIcon, LoaderCircleIcon } from "lucide-react";
import type { AlertDelivery, AlertIncident } from "@/contracts/alerts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import { apiGet } from "../api-client";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { ErrorState } from "../error-state";
import { formatDateTime, formatRelativeTime } from "../format";
import { useApiQuery } from "../use-api-query";
import { useNow } from "../use-now";
import { selectHistory } from "./alerts-api";
import { SeverityBadge } from "./severity-badge";

const DELIVERY_VARIANTS = { delivered: "success", failed: "destructive", pending: "warning" } as const;

/** Incidents, newest first, each with its notifications and their outcomes; paged by cursor. */
export function HistoryPanel() {
  const { t, locale } = useI18n();
  const now = useNow();
  const first = useApiQuery(endpoints.alertHistory, selectHistory);
  const [older, setOlder] = useState<{ items: AlertIncident[]; cursor: string | null } | null>(null);
  const [loading, setLoading] = useState(false);
  const items = first.data ? [...first.data.items, ...(older?.items ?? [])] : undefined;
  const cursor = older ? older.cursor : (first.data?.nextCursor ?? null);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = selectHistory(await apiGet<unknown>(endpoints.alertHistory, { query: { cursor } }));
      setOlder((current) => ({ items: [...(current?.items ?? []), ...page.items], cursor: page.nextCursor }));
    } catch (error) {
      toast.error(describeError(t, error));
    } finally {
      setLoading(false);
    }
  }

  if (first.error && !first.data)
    return <ErrorState message={describeError(t, first.error)} onRetry={first.reload} />;
  if (items && items.length === 0)
    return (
      <EmptyState
        icon={HistoryIcon}
        title={t("alerts.historyEmptyTitle")}
        description={t("alerts.historyEmptyText")}
      />
    );
  return (
    <div className="flex flex-col gap-3" data-testid="alert-history">
      {!items
        ? [0, 1].map((row) => <Skeleton key={row} className="h-24 w-full" />)
        : items.map((incident) => (
            <Card key={incident.id} className="gap-0 py-4">
              <CardContent className="flex flex-col gap-3">
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div className="min-w-0">
                    <div className="flex flex-wrap items-center gap-2">
                      <Badge variant={incident.status === "firing" ? "destructive" : "success"}>
                        {t(incident.status === "firing" ? "alerts.firing" : "alerts.resolved")}
                      </Badge>
                      <SeverityBadge severity={incident.severity} />
                      <span className="font-medium">{incident.ruleName}</span>
                      <span className="text-sm text-muted-foreground">· {incident.subjectName}</span>
                    </div>
                    <p className="mt-1 text-sm">{incident.summary}</p>
                    {incident.resolveSummary && (
                      <p className="text-sm text-muted-foreground">{incident.resolveSummary}</p>
                    )}
                  </div>
                  <span
                    className="text-xs text-muted-foreground tabular-nums"
                    title={formatDateTime(locale, incident.firedAt)}
                  >
                    {formatRelativeTime(locale, incident.firedAt, now)}
                  </span>
                </div>
                {incident.deliveries.length > 0 && (
                  <ul className="flex flex-col gap-1 border-t pt-2">
                    {incident.deliveries.map((delivery) => (
                      <DeliveryLine key={delivery.id} delivery={delivery} />
                    ))}
                  </ul>
                )}
              </CardContent>
            </Card>
          ))}
      {cursor && (
        <div className="flex justify-center">
          <Button variant="outline" onClick={() => void loadMore()} disabled={loading}>
            {loading && <LoaderCircleIcon className="animate-spin" />}
            {t("logs.loadMore")}
          </Button>
        </div>
      )}
    </div>
  );
}

function DeliveryLine({ delivery }: { delivery: AlertDelivery }) {
  const { t } = useI18n();
  return (
    <li className="flex flex-wrap items-center gap-2 text-xs">
      <Badge variant={DELIVERY_VARIANTS[delivery.status]}>{t(`alerts.delivery_${delivery.status}`)}</Badge>
      <span className="font-medium">{delivery.channelName}</span>
      <span className="text-muted-foreground">
        {t(`alerts.event_${delivery.event}`)} ·{" "}
        {t("alerts.attempts", { count: delivery.attempts, max: delivery.maxAttempts })}
        {delivery.lastStatusCode !== null && ` · HTTP ${delivery.lastStatusCode}`}
        {delivery.lastError && ` · ${delivery.lastError}`}
      </span>
    </li>
  );
}
