"use client";

import { useId, useState } from "react";
import { DownloadIcon } from "lucide-react";
import { COST_DIMENSIONS, type CostDimension, type CostEntry } from "@/contracts/stats";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { formatCount, formatUsd } from "../format";
import { downloadFile } from "../observability/download-file";
import { formatCompact, formatPercent } from "../observability/format-metrics";
import { buildPath } from "../observability/time-range";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { selectStatsCosts, type StatsScope } from "./stats-api";

const COLUMNS = 6;

/** The name cell: what the dimension calls the row, or why it has none. */
function EntryName({ entry, by }: { entry: CostEntry; by: CostDimension }) {
  const { t } = useI18n();
  if (entry.id === null) {
    return (
      <span className="text-muted-foreground">{t(by === "model" ? "stats.noModel" : "stats.none")}</span>
    );
  }
  return (
    <div className="flex flex-col">
      <span className={entry.name === null ? "text-muted-foreground italic" : undefined}>
        {entry.name ?? t("stats.deleted")}
      </span>
      {entry.detail && (
        <span className="font-mono text-xs font-normal text-muted-foreground">{entry.detail}</span>
      )}
    </div>
  );
}

/**
 * What the range cost, split by model, key, group or provider (and by tenant for system users),
 * most expensive first, with its CSV download.
 */
export function CostBreakdown({ scope }: { scope: StatsScope | null }) {
  const { t, locale } = useI18n();
  const { identity } = useSession();
  const titleId = useId();
  const [by, setBy] = useState<CostDimension>("model");
  const [exporting, setExporting] = useState(false);
  const dimensions: readonly CostDimension[] = identity?.system
    ? [...COST_DIMENSIONS, "tenant"]
    : COST_DIMENSIONS;
  const endpoint = by === "tenant" ? endpoints.statsTenants : endpoints.statsCosts;
  const query = scope && { ...scope, ...(by === "tenant" ? {} : { by }) };
  const costs = useApiQuery(query ? buildPath(endpoint, query) : endpoint, selectStatsCosts);
  // A previous dimension's answer is not this table's: skeletons until the new one arrives.
  const items = costs.data?.by === by ? costs.data.items : undefined;

  async function exportCsv() {
    if (!query) return;
    setExporting(true);
    try {
      const name = await downloadFile(endpoint, { ...query, format: "csv" }, `stats-costs-by-${by}.csv`);
      toast.success(t("observe.exported", { name }));
    } catch (error) {
      toast.error(describeError(t, error));
    } finally {
      setExporting(false);
    }
  }

  return (
    <Card className="gap-0 py-0">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b p-4">
        <div className="flex flex-col gap-0.5">
          <h2 id={titleId} className="text-sm font-semibold">
            {t("stats.costTitle")}
          </h2>
          <p className="text-xs text-muted-foreground tabular-nums" data-testid="stats-cost-total">
            {costs.data?.by === by
              ? t("stats.costTotal", { cost: formatUsd(locale, costs.data.totals.costUsd) })
              : ""}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <div className="flex flex-wrap gap-1" role="group" aria-label={t("stats.costBy")}>
            {dimensions.map((d) => (
              <Button
                key={d}
                variant={by === d ? "secondary" : "ghost"}
                size="sm"
                aria-pressed={by === d}
                onClick={() => setBy(d)}
              >
                {t(`stats.costBy_${d}`)}
              </Button>
            ))}
          </div>
          <Button variant="outline" size="sm" disabled={!query || exporting} onClick={() => void exportCsv()}>
            <DownloadIcon />
            {t("stats.costCsv")}
          </Button>
        </div>
      </div>
      <Table data-testid="stats-costs" aria-labelledby={titleId}>
        <TableHeader>
          <TableRow>
            <TableHead>{t(`stats.costBy_${by}`)}</TableHead>
            <TableHead className="text-right">{t("stats.requests")}</TableHead>
            <TableHead className="hidden text-right md:table-cell">{t("stats.tokensInOut")}</TableHead>
            <TableHead className="hidden text-right lg:table-cell">{t("stats.cacheRead")}</TableHead>
            <TableHead className="text-right">{t("stats.cost")}</TableHead>
            <TableHead className="hidden text-right sm:table-cell">{t("stats.costShare")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {!items ? (
            [0, 1].map((row) => (
              <TableRow key={row}>
                <TableCell colSpan={COLUMNS}>
                  <Skeleton className="h-5 w-full" />
                </TableCell>
              </TableRow>
            ))
          ) : items.length === 0 ? (
            <TableRow>
              <TableCell colSpan={COLUMNS} className="py-6 text-center text-sm text-muted-foreground">
                {t("observe.noData")}
              </TableCell>
            </TableRow>
          ) : (
            items.map((entry) => (
              <TableRow key={entry.id ?? "none"}>
                <TableCell className="font-medium">
                  <EntryName entry={entry} by={by} />
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatCount(locale, entry.requests)}
                </TableCell>
                <TableCell className="hidden text-right tabular-nums md:table-cell">
                  {formatCompact(locale, entry.tokens.input)} / {formatCompact(locale, entry.tokens.output)}
                </TableCell>
                <TableCell className="hidden text-right tabular-nums lg:table-cell">
                  {formatCompact(locale, entry.tokens.cacheRead)}
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatUsd(locale, entry.costUsd)}
                  {entry.unpricedRequests !== null && entry.unpricedRequests > 0 && (
                    <span className="block text-xs text-muted-foreground">
                      {t("stats.unpriced", { count: formatCount(locale, entry.unpricedRequests) })}
                    </span>
                  )}
                </TableCell>
                <TableCell className="hidden text-right tabular-nums sm:table-cell">
                  {formatPercent(locale, entry.share)}
                </TableCell>
              </TableRow>
            ))
          )}
        </TableBody>
      </Table>
    </Card>
  );
}
