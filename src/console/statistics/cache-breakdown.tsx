"use client";

import { useId } from "react";
import type { CacheEntry } from "@/contracts/stats";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useI18n } from "@/i18n/i18n-provider";
import { endpoints } from "../endpoints";
import { formatCount } from "../format";
import { formatCompact, formatPercent } from "../observability/format-metrics";
import { buildPath } from "../observability/time-range";
import { useApiQuery } from "../use-api-query";
import { selectStatsCache, type StatsScope } from "./stats-api";

const COLUMNS = 5;

/** One dimension's cache table: prompt-cache reads and session-affinity outcomes per group or provider. */
function CacheTable({
  title,
  nameLabel,
  entries,
  testId,
  noneLabel,
}: {
  title: string;
  nameLabel: string;
  entries: readonly CacheEntry[] | undefined;
  testId: string;
  noneLabel: string;
}) {
  const { t, locale } = useI18n();
  const titleId = useId();
  return (
    <div className="flex flex-col">
      <h3 id={titleId} className="px-4 pt-3 pb-1 text-xs font-semibold text-muted-foreground">
        {title}
      </h3>
      <Table data-testid={testId} aria-labelledby={titleId}>
        <TableHeader>
          <TableRow>
            <TableHead>{nameLabel}</TableHead>
            <TableHead className="text-right">{t("stats.requests")}</TableHead>
            <TableHead className="hidden text-right md:table-cell">{t("stats.cacheReadOfInput")}</TableHead>
            <TableHead className="text-right">{t("stats.cacheReadShare")}</TableHead>
            <TableHead className="hidden text-right sm:table-cell">{t("stats.affinityHitShare")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {!entries ? (
            <TableRow>
              <TableCell colSpan={COLUMNS}>
                <Skeleton className="h-5 w-full" />
              </TableCell>
            </TableRow>
          ) : entries.length === 0 ? (
            <TableRow>
              <TableCell colSpan={COLUMNS} className="py-6 text-center text-sm text-muted-foreground">
                {t("observe.noData")}
              </TableCell>
            </TableRow>
          ) : (
            entries.map((entry) => (
              <TableRow key={entry.id ?? "none"}>
                <TableCell className="font-medium">
                  {entry.id === null ? (
                    <span className="text-muted-foreground">{noneLabel}</span>
                  ) : (
                    (entry.name ?? <span className="text-muted-foreground italic">{t("stats.deleted")}</span>)
                  )}
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatCount(locale, entry.requests)}
                </TableCell>
                <TableCell className="hidden text-right tabular-nums md:table-cell">
                  {formatCompact(locale, entry.tokens.cacheRead)} /{" "}
                  {formatCompact(locale, entry.tokens.input)}
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatPercent(locale, entry.cacheReadShare)}
                </TableCell>
                <TableCell className="hidden text-right tabular-nums sm:table-cell">
                  {formatPercent(locale, entry.affinity.hitShare)}
                  {entry.affinity.hitShare !== null && (
                    <span className="block text-xs text-muted-foreground">
                      {t("stats.affinityCounts", {
                        hits: formatCount(locale, entry.affinity.hits),
                        misses: formatCount(locale, entry.affinity.misses),
                        moved: formatCount(locale, entry.affinity.moved),
                      })}
                    </span>
                  )}
                </TableCell>
              </TableRow>
            ))
          )}
        </TableBody>
      </Table>
    </div>
  );
}

/**
 * Prompt-cache use and session affinity over the range: the share of input tokens read from the
 * provider's cache, and how often a session went back to its provider, per group and per provider.
 */
export function CacheBreakdown({ scope }: { scope: StatsScope | null }) {
  const { t, locale } = useI18n();
  const titleId = useId();
  const cache = useApiQuery(
    scope ? buildPath(endpoints.statsCache, { ...scope }) : endpoints.statsCache,
    selectStatsCache,
  );
  const totals = cache.data?.totals;
  return (
    <Card className="gap-0 py-0" aria-labelledby={titleId} role="region">
      <div className="flex flex-col gap-0.5 border-b p-4">
        <h2 id={titleId} className="text-sm font-semibold">
          {t("stats.cacheTitle")}
        </h2>
        <p className="text-xs text-muted-foreground tabular-nums" data-testid="stats-cache-totals">
          {totals
            ? t("stats.cacheTotals", {
                cache: formatPercent(locale, totals.cacheReadShare),
                affinity: formatPercent(locale, totals.affinity.hitShare),
              })
            : ""}
        </p>
      </div>
      {/* Stacked, full width: side by side the tables overflowed their cards (a scrolling region). */}
      <div className="flex flex-col gap-2 pb-2">
        <CacheTable
          title={t("stats.byGroup")}
          nameLabel={t("stats.group")}
          entries={cache.data?.groups}
          testId="stats-cache-groups"
          noneLabel={t("stats.none")}
        />
        <CacheTable
          title={t("stats.byProvider")}
          nameLabel={t("stats.provider")}
          entries={cache.data?.providers}
          testId="stats-cache-providers"
          noneLabel={t("stats.noProvider")}
        />
      </div>
    </Card>
  );
}
