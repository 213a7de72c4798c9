"use client";

import { useCallback, useState } from "react";
import Link from "next/link";
import { DownloadIcon, GitCompareArrowsIcon, LoaderCircleIcon, ScrollTextIcon } from "lucide-react";
import { logsPageSchema, type LogsPage as LogsPageData, type LogSummary } from "@/contracts/logs";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TableCell, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import { apiGet, readOne } from "../api-client";
import { selectApiKeys } from "../api-keys/api-key-api";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { ErrorState } from "../error-state";
import { formatDateTime, formatRelativeTime } from "../format";
import { selectGroups } from "../groups/group-api";
import { selectProviders } from "../providers/provider-api";
import { useApiQuery } from "../use-api-query";
import { useNow } from "../use-now";
import { downloadFile } from "../observability/download-file";
import { formatMs } from "../observability/format-metrics";
import { TableCard } from "../resource-list/table-card";
import { buildPath, resolveRange, roundDown } from "../observability/time-range";
import { useDialogSubject } from "../resource-list/use-dialog-subject";
import { LogDetailSheet } from "./log-detail-sheet";
import { LogFilters, logFilterQuery, NO_FILTERS, type LogFilterValues } from "./log-filters";
import { diffHref } from "./replay-output";
import { StatusBadge } from "./status-badge";

function selectPage(body: unknown): LogsPageData {
  return readOne(body, logsPageSchema);
}

/** Logs: a filterable table of requests, newest first, paged by cursor, with a detail drawer. */
export function LogsPage() {
  const { t, locale } = useI18n();
  const [filters, setFiltersState] = useState<LogFilterValues>(NO_FILTERS);
  const now = useNow();
  // A preset range ends at the moment of the last filter change or refresh, so paging stays stable.
  const [anchor, setAnchor] = useState(() => roundDown(Date.now(), 1_000));
  const setFilters = (next: LogFilterValues) => {
    setFiltersState(next);
    setAnchor(roundDown(Date.now(), 1_000));
  };
  const range = resolveRange(filters.range, anchor);
  const query = logFilterQuery(filters, range);
  const path = buildPath(endpoints.logs, query);
  const first = useApiQuery(path, selectPage);
  const groups = useApiQuery(endpoints.groups, selectGroups);
  const providers = useApiQuery(endpoints.providers, selectProviders);
  const apiKeys = useApiQuery(endpoints.apiKeys, selectApiKeys);
  // Two rows picked for "Compare", oldest pick first; a third pick drops the oldest.
  const [picked, setPicked] = useState<LogSummary[]>([]);
  const togglePick = (log: LogSummary, on: boolean) =>
    setPicked((current) =>
      on
        ? [...current.filter((p) => p.id !== log.id), log].slice(-2)
        : current.filter((p) => p.id !== log.id),
    );
  // The earlier request is A (the original, when one is a replay of the other).
  const [pickA, pickB] = [...picked].sort((x, y) => x.createdAt.localeCompare(y.createdAt));
  // Older pages, kept for the path they belong to (a filter change starts over).
  const [more, setMore] = useState<{ path: string; items: LogSummary[]; cursor: string | null }>({
    path: "",
    items: [],
    cursor: null,
  });
  const [loadingMore, setLoadingMore] = useState(false);
  const selected = useDialogSubject<LogSummary>();
  const olderRows = more.path === path ? more.items : [];
  const rows = first.data ? [...first.data.items, ...olderRows] : undefined;
  const cursor = more.path === path ? more.cursor : (first.data?.nextCursor ?? null);

  const loadMore = useCallback(async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = selectPage(await apiGet<unknown>(path, { query: { cursor } }));
      setMore((current) => ({
        path,
        items: [...(current.path === path ? current.items : []), ...page.items],
        cursor: page.nextCursor,
      }));
    } catch (error) {
      toast.error(describeError(t, error));
    } finally {
      setLoadingMore(false);
    }
  }, [cursor, path, t]);

  async function exportAs(format: "csv" | "json") {
    try {
      const name = await downloadFile(endpoints.logsExport, { ...query, format }, `logs.${format}`);
      toast.success(t("observe.exported", { name }));
    } catch (error) {
      toast.error(describeError(t, error));
    }
  }

  const columns = [
    { label: t("logs.pick"), className: "w-12" },
    { label: t("logs.time") },
    { label: t("logs.status") },
    { label: t("logs.group"), className: "hidden md:table-cell" },
    { label: t("logs.provider"), className: "hidden md:table-cell" },
    { label: t("logs.model"), className: "hidden lg:table-cell" },
    { label: t("logs.duration"), className: "text-right" },
    { label: t("logs.tokens"), className: "hidden text-right lg:table-cell" },
  ];

  const actions = (
    <div className="flex flex-wrap gap-2">
      {pickA && pickB ? (
        <Button asChild size="sm">
          <Link href={diffHref(pickA.id, pickB.id)}>
            <GitCompareArrowsIcon />
            {t("logs.compare")}
          </Link>
        </Button>
      ) : (
        <Button size="sm" variant="outline" disabled title={t("logs.compareHint")}>
          <GitCompareArrowsIcon />
          {t("logs.comparePicked", { count: picked.length })}
        </Button>
      )}
      <Button variant="outline" size="sm" onClick={() => void exportAs("csv")}>
        <DownloadIcon />
        {t("observe.exportCsv")}
      </Button>
      <Button variant="outline" size="sm" onClick={() => void exportAs("json")}>
        <DownloadIcon />
        {t("observe.exportJson")}
      </Button>
    </div>
  );

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("logs.title")} description={t("logs.description")} actions={actions} />
      <LogFilters
        value={filters}
        onChange={setFilters}
        groups={groups.data}
        providers={providers.data}
        apiKeys={apiKeys.data}
        onRefresh={() => setAnchor(roundDown(Date.now(), 1_000))}
        refreshing={first.isRefreshing}
      />
      {first.error && !first.data ? (
        <ErrorState message={describeError(t, first.error)} onRetry={first.reload} />
      ) : rows && rows.length === 0 ? (
        <EmptyState
          icon={ScrollTextIcon}
          title={t("logs.emptyTitle")}
          description={filters === NO_FILTERS ? t("logs.emptyText") : t("logs.emptyFiltered")}
          action={
            filters !== NO_FILTERS && (
              <Button variant="outline" onClick={() => setFilters(NO_FILTERS)}>
                {t("logs.clearFilters")}
              </Button>
            )
          }
        />
      ) : (
        <TableCard
          data-testid="logs-table"
          columns={columns}
          loading={!rows}
          skeletonRows={6}
          skeletonClassName="h-5"
          footer={
            rows && (
              <div className="flex items-center justify-between gap-3 border-t p-3 text-sm text-muted-foreground">
                <span>{t("logs.shown", { count: rows.length })}</span>
                {cursor ? (
                  <Button variant="outline" size="sm" onClick={() => void loadMore()} disabled={loadingMore}>
                    {loadingMore && <LoaderCircleIcon className="animate-spin" />}
                    {t("logs.loadMore")}
                  </Button>
                ) : (
                  <span>{t("logs.end")}</span>
                )}
              </div>
            )
          }
        >
          {rows?.map((log) => (
            <TableRow
              key={log.id}
              data-testid="log-row"
              className="cursor-pointer"
              onClick={() => selected.show(log)}
            >
              <TableCell onClick={(event) => event.stopPropagation()}>
                <Checkbox
                  aria-label={t("logs.pickRow", { time: formatDateTime(locale, log.createdAt) })}
                  checked={picked.some((p) => p.id === log.id)}
                  onCheckedChange={(on) => togglePick(log, on === true)}
                />
              </TableCell>
              <TableCell className="whitespace-nowrap">
                <button
                  type="button"
                  className="rounded-sm text-left outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
                  title={formatDateTime(locale, log.createdAt)}
                  onClick={(event) => {
                    event.stopPropagation();
                    selected.show(log);
                  }}
                >
                  {formatRelativeTime(locale, log.createdAt, now)}
                </button>
                <div className="text-xs text-muted-foreground md:hidden">
                  {log.providerName ?? "—"} · {log.model ?? "—"}
                </div>
              </TableCell>
              <TableCell>
                <span className="inline-flex flex-wrap items-center gap-1">
                  <StatusBadge log={log} />
                  {log.source === "replay" && <Badge variant="secondary">{t("debug.source_replay")}</Badge>}
                </span>
              </TableCell>
              <TableCell className="hidden md:table-cell">{log.groupSlug ?? "—"}</TableCell>
              <TableCell className="hidden md:table-cell">
                {log.providerName ?? "—"}
                {log.attemptCount > 1 && (
                  <Badge variant="outline" className="ml-1.5">
                    {t("logs.attemptCount", { count: log.attemptCount })}
                  </Badge>
                )}
              </TableCell>
              <TableCell className="hidden max-w-48 truncate lg:table-cell">
                {log.model ?? "—"}
                {log.streamed && (
                  <Badge variant="secondary" className="ml-1.5">
                    {t("logs.stream")}
                  </Badge>
                )}
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatMs(locale, log.totalMs)}</TableCell>
              <TableCell className="hidden text-right tabular-nums lg:table-cell">
                {log.inputTokens === null ? "—" : `${log.inputTokens} / ${log.outputTokens ?? 0}`}
              </TableCell>
            </TableRow>
          ))}
        </TableCard>
      )}
      <LogDetailSheet log={selected.subject} open={selected.open} onOpenChange={selected.setOpen} />
    </div>
  );
}
