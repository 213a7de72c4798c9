"use client";

import { useMemo } from "react";
import type { LogSummary } from "@/contracts/logs";
import type { StatusClass } from "@/core/vocabulary/status-classes";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useI18n } from "@/i18n/i18n-provider";
import { endpoints } from "../endpoints";
import { formatCount } from "../format";
import { StatusBadge } from "../logs/status-badge";
import { buildPath } from "../observability/time-range";
import { RelativeTime } from "../relative-time";
import { useApiQuery } from "../use-api-query";
import { selectLogRows } from "./provider-detail-api";

// The newest failed requests shown; each failing class is asked for this many.
const SHOWN = 10;

/** The failing status classes: the log filter takes one class per call. */
const FAILING: readonly StatusClass[] = ["5xx", "err", "4xx"];

/** The newest failed requests this provider answered last, over [from, to], newest first. */
function useRecentErrors(providerId: string, from: number, to: number) {
  const paths = FAILING.map((statusClass) =>
    buildPath(endpoints.logs, { providerId, statusClass, from, to, limit: SHOWN }),
  );
  const a = useApiQuery(paths[0]!, selectLogRows);
  const b = useApiQuery(paths[1]!, selectLogRows);
  const c = useApiQuery(paths[2]!, selectLogRows);
  const rows = useMemo(() => {
    if (!a.data || !b.data || !c.data) return undefined;
    return [...a.data, ...b.data, ...c.data]
      .sort((x, y) => Date.parse(y.createdAt) - Date.parse(x.createdAt))
      .slice(0, SHOWN);
  }, [a.data, b.data, c.data]);
  return { rows, failed: Boolean(a.error ?? b.error ?? c.error) };
}

/** Errors by code over the range (from the statistics) and the latest failed requests (from the logs). */
export function RecentErrorsCard({
  providerId,
  from,
  to,
  errorsByCode,
  now,
}: {
  providerId: string;
  from: number;
  to: number;
  errorsByCode: Record<string, number> | undefined;
  now: number;
}) {
  const { t, locale } = useI18n();
  const { rows, failed } = useRecentErrors(providerId, from, to);
  const codes = Object.entries(errorsByCode ?? {}).sort((x, y) => y[1] - x[1]);
  return (
    <Card className="gap-3" data-testid="recent-errors">
      <CardHeader>
        <CardTitle className="text-sm">{t("providers.recentErrors")}</CardTitle>
        <CardDescription className="text-xs">{t("providers.recentErrorsHint")}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        {codes.length > 0 && (
          <ul className="flex flex-wrap gap-2" aria-label={t("providers.errorsByCode")}>
            {codes.map(([code, count]) => (
              <li key={code}>
                <Badge variant="outline" className="font-mono">
                  {code} · {formatCount(locale, count)}
                </Badge>
              </li>
            ))}
          </ul>
        )}
        {failed ? (
          <p className="text-sm text-destructive">{t("errors.loadFailed")}</p>
        ) : rows === undefined ? (
          <Skeleton className="h-24 w-full" />
        ) : rows.length === 0 ? (
          <p className="rounded-md border border-dashed px-3 py-2 text-sm text-muted-foreground">
            {t("providers.recentErrorsEmpty")}
          </p>
        ) : (
          <ul className="divide-y rounded-md border text-sm">
            {rows.map((log: LogSummary) => (
              <li
                key={log.id}
                className="grid gap-1 px-3 py-2 sm:grid-cols-[7rem_auto_minmax(0,1fr)] sm:gap-3"
              >
                <span className="text-xs text-muted-foreground tabular-nums">
                  <RelativeTime iso={log.createdAt} now={now} />
                </span>
                <StatusBadge log={log} />
                <span className="truncate font-mono text-xs" title={`${log.method} ${log.path}`}>
                  {log.method} {log.path}
                  {log.model && <span className="text-muted-foreground"> · {log.model}</span>}
                  {log.groupSlug && <span className="text-muted-foreground"> · {log.groupSlug}</span>}
                </span>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
