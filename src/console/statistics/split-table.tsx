"use client";

import { useId, useMemo, type ReactNode } from "react";
import type { StatsSplitEntry } from "@/contracts/stats";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useI18n } from "@/i18n/i18n-provider";
import { formatCount } from "../format";
import { formatCompact, formatMs, formatPercent } from "../observability/format-metrics";

const COLUMNS = 8;

/**
 * A statistics split (per provider, group or key) as a titled table, most requests first. The title
 * is an `h2` and the table's accessible name; `renderName` draws the first cell of each row.
 */
export function SplitTable<Entry extends StatsSplitEntry>({
  title,
  nameLabel,
  entries,
  locale,
  emptyText,
  testId,
  renderName,
}: {
  title: string;
  nameLabel: string;
  /** Undefined while the first answer is loading. */
  entries: readonly Entry[] | undefined;
  locale: string;
  emptyText: string;
  testId: string;
  renderName: (entry: Entry) => ReactNode;
}) {
  const { t } = useI18n();
  const titleId = useId();
  // The API sorts already; sorting here keeps the table's order a property of the table.
  const sorted = useMemo(
    () => (entries ? [...entries].sort((a, b) => b.requests - a.requests) : undefined),
    [entries],
  );
  return (
    <Card className="gap-0 py-0">
      <h2 id={titleId} className="border-b p-4 text-sm font-semibold">
        {title}
      </h2>
      <Table data-testid={testId} aria-labelledby={titleId}>
        <TableHeader>
          <TableRow>
            <TableHead>{nameLabel}</TableHead>
            <TableHead className="text-right">{t("stats.requests")}</TableHead>
            <TableHead className="text-right">{t("stats.successRate")}</TableHead>
            <TableHead className="hidden text-right md:table-cell">{t("stats.errors")}</TableHead>
            <TableHead className="hidden text-right md:table-cell">p50</TableHead>
            <TableHead className="hidden text-right md:table-cell">p95</TableHead>
            <TableHead className="hidden text-right lg:table-cell">{t("stats.ttfbP95")}</TableHead>
            <TableHead className="hidden text-right lg:table-cell">{t("stats.tokensInOut")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {!sorted ? (
            [0, 1, 2].map((row) => (
              <TableRow key={row}>
                <TableCell colSpan={COLUMNS}>
                  <Skeleton className="h-5 w-full" />
                </TableCell>
              </TableRow>
            ))
          ) : sorted.length === 0 ? (
            <TableRow>
              <TableCell colSpan={COLUMNS} className="py-6 text-center text-sm text-muted-foreground">
                {emptyText}
              </TableCell>
            </TableRow>
          ) : (
            sorted.map((entry) => (
              <TableRow key={entry.id ?? "none"}>
                <TableCell className="font-medium">{renderName(entry)}</TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatCount(locale, entry.requests)}
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatPercent(locale, entry.successRate)}
                </TableCell>
                <TableCell className="hidden text-right tabular-nums md:table-cell">
                  {formatCount(locale, entry.errors)}
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
            ))
          )}
        </TableBody>
      </Table>
    </Card>
  );
}
