"use client";

import { Fragment, type ReactNode } from "react";
import { RefreshCwIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { SortableHead, TableSearch, type TableView } from "@/components/ui/data-table";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { cn } from "@/components/ui/cn";
import { useT } from "@/i18n/i18n-provider";
import type { ApiQuery } from "../use-api-query";

/** A header cell; `sort` makes it a sorting button for that view column. */
export interface ResourceColumn<K extends string> {
  readonly label: string;
  readonly sort?: K;
  readonly align?: "left" | "right";
  /** Responsive visibility and width, e.g. `hidden lg:table-cell`. */
  readonly className?: string;
  /** Read by screen readers only (the actions column). */
  readonly srOnly?: boolean;
}

export interface ResourceTableCardProps<T, K extends string> {
  query: Pick<ApiQuery<readonly T[]>, "data" | "isLoading" | "isRefreshing" | "reload">;
  view: Pick<TableView<T, K>, "query" | "setQuery" | "rows" | "total" | "sort" | "toggleSort">;
  searchPlaceholder: string;
  /** The header, left to right; the "no results" row spans them all. */
  columns: readonly ResourceColumn<K>[];
  /** One placeholder row shaped like the real ones; shown `skeletonRows` times while loading. */
  skeleton: ReactNode;
  skeletonRows?: number;
  /** Draws one row. */
  row: (item: T) => ReactNode;
  "data-testid"?: string;
}

/**
 * The console's list card: search box, "n of m" count and refresh above a table whose body is a
 * skeleton while loading, the filtered rows, or a line saying the search matched nothing.
 */
export function ResourceTableCard<T, K extends string>({
  query,
  view,
  searchPlaceholder,
  skeleton,
  skeletonRows = 4,
  columns,
  row,
  "data-testid": testId,
}: ResourceTableCardProps<T, K>) {
  const t = useT();
  return (
    <Card className="gap-0 py-0">
      <div className="flex items-center justify-between gap-3 border-b p-3">
        <TableSearch
          value={view.query}
          onValueChange={view.setQuery}
          placeholder={searchPlaceholder}
          aria-label={t("common.search")}
          clearLabel={t("common.clear")}
        />
        <div className="flex shrink-0 items-center gap-1 text-sm text-muted-foreground sm:gap-2">
          {query.data && (
            <span className="tabular-nums">
              {t("common.resultCount", { shown: view.rows.length, total: view.total })}
            </span>
          )}
          <Tooltip>
            <TooltipTrigger asChild>
              <Button
                variant="ghost"
                size="icon-sm"
                onClick={query.reload}
                disabled={query.isLoading || query.isRefreshing}
                aria-label={t("common.refresh")}
              >
                <RefreshCwIcon className={query.isRefreshing ? "animate-spin" : undefined} />
              </Button>
            </TooltipTrigger>
            <TooltipContent>{t("common.refresh")}</TooltipContent>
          </Tooltip>
        </div>
      </div>
      <Table data-testid={testId}>
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            {columns.map((column) =>
              column.sort ? (
                <SortableHead
                  key={column.label}
                  column={column.sort}
                  sort={view.sort}
                  onSort={view.toggleSort}
                  align={column.align}
                  className={column.className}
                >
                  {column.label}
                </SortableHead>
              ) : (
                <TableHead
                  key={column.label}
                  className={cn(column.align === "right" && "text-right", column.className)}
                >
                  {column.srOnly ? <span className="sr-only">{column.label}</span> : column.label}
                </TableHead>
              ),
            )}
          </TableRow>
        </TableHeader>
        <TableBody>
          {query.isLoading && !query.data
            ? Array.from({ length: skeletonRows }, (_, i) => <Fragment key={i}>{skeleton}</Fragment>)
            : view.rows.map(row)}
          {query.data && view.rows.length === 0 && (
            <TableRow className="hover:bg-transparent">
              <TableCell colSpan={columns.length} className="py-10 text-center text-muted-foreground">
                {t("common.noResults", { query: view.query })}
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
    </Card>
  );
}
