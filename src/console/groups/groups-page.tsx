"use client";

import { useCallback, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { BoxesIcon, ChevronRightIcon, PlusIcon, RefreshCwIcon } from "lucide-react";
import type { Group } from "@/contracts/groups";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { SortableHead, TableSearch, useTableView, type TableViewOptions } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { useI18n } from "@/i18n/i18n-provider";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { ErrorState } from "../error-state";
import { formatDateTime, formatRelativeTime } from "../format";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { useNow } from "../use-now";
import { selectGroups, updateGroup } from "./group-api";
import { GroupCreateDialog } from "./group-create-dialog";
import { STRATEGY_LABELS } from "./group-form-model";

type Column = "name" | "strategy" | "memberCount" | "enabled" | "updatedAt";

const VIEW_OPTIONS: TableViewOptions<Group, Column> = {
  searchText: (g) => `${g.name} ${g.slug} ${g.description}`,
  sortValues: {
    name: (g) => g.name,
    strategy: (g) => g.strategy,
    memberCount: (g) => g.memberCount,
    enabled: (g) => g.enabled,
    updatedAt: (g) => g.updatedAt,
  },
};

/** The Groups page: every group with its strategy and size; a row opens the group. */
export function GroupsPage() {
  const { t, locale } = useI18n();
  const router = useRouter();
  const { user } = useSession();
  const canEdit = user?.role !== "viewer";
  const query = useApiQuery(endpoints.groups, selectGroups);
  const view = useTableView<Group, Column>(
    query.data,
    { ...VIEW_OPTIONS, locale },
    { column: "name", direction: "asc" },
  );
  const now = useNow();
  const [creating, setCreating] = useState(false);
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const { setData } = query;

  const replace = useCallback(
    (saved: Group) => setData((rows) => rows?.map((row) => (row.id === saved.id ? saved : row))),
    [setData],
  );

  async function toggle(group: Group, enabled: boolean) {
    setPending((current) => new Set(current).add(group.id));
    replace({ ...group, enabled });
    try {
      const saved = await updateGroup(group.id, { enabled });
      replace({ ...saved, memberCount: saved.providers.length });
      toast.success(t(enabled ? "groups.enabledToast" : "groups.disabledToast", { name: group.name }));
    } catch (error) {
      replace(group);
      toast.error(describeError(t, error));
    } finally {
      setPending((current) => {
        const next = new Set(current);
        next.delete(group.id);
        return next;
      });
    }
  }

  const addButton = canEdit && (
    <Button onClick={() => setCreating(true)}>
      <PlusIcon />
      {t("groups.add")}
    </Button>
  );

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("groups.title")} description={t("groups.description")} actions={addButton} />

      {query.error && !query.data ? (
        <ErrorState message={describeError(t, query.error)} onRetry={query.reload} />
      ) : query.data && query.data.length === 0 ? (
        <EmptyState
          icon={BoxesIcon}
          title={t("groups.emptyTitle")}
          description={t("groups.emptyText")}
          action={addButton}
        />
      ) : (
        <Card className="gap-0 py-0">
          <div className="flex items-center justify-between gap-3 border-b p-3">
            <TableSearch
              value={view.query}
              onValueChange={view.setQuery}
              placeholder={t("groups.searchPlaceholder")}
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
          <Table>
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <SortableHead column="name" sort={view.sort} onSort={view.toggleSort} className="w-full">
                  {t("groups.columnName")}
                </SortableHead>
                <SortableHead
                  column="strategy"
                  sort={view.sort}
                  onSort={view.toggleSort}
                  className="hidden md:table-cell"
                >
                  {t("groups.columnStrategy")}
                </SortableHead>
                <SortableHead
                  column="memberCount"
                  sort={view.sort}
                  onSort={view.toggleSort}
                  align="right"
                  className="hidden sm:table-cell"
                >
                  {t("groups.columnMembers")}
                </SortableHead>
                <SortableHead column="enabled" sort={view.sort} onSort={view.toggleSort}>
                  {t("groups.columnEnabled")}
                </SortableHead>
                <SortableHead
                  column="updatedAt"
                  sort={view.sort}
                  onSort={view.toggleSort}
                  className="hidden lg:table-cell"
                >
                  {t("groups.columnUpdated")}
                </SortableHead>
                <TableHead className="w-10">
                  <span className="sr-only">{t("common.actions")}</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {query.isLoading && !query.data
                ? Array.from({ length: 4 }, (_, i) => <SkeletonRow key={i} />)
                : view.rows.map((group) => (
                    <TableRow
                      key={group.id}
                      className="cursor-pointer"
                      onClick={(event) => {
                        // Clicks on the switch or the link itself are theirs; elsewhere the row opens the group.
                        if ((event.target as HTMLElement).closest("button, a")) return;
                        router.push(`/groups/${group.id}`);
                      }}
                    >
                      <TableCell className="max-w-0">
                        <Link
                          href={`/groups/${group.id}`}
                          className="block truncate font-medium outline-none hover:underline focus-visible:underline"
                        >
                          {group.name}
                        </Link>
                        <p className="truncate font-mono text-xs text-muted-foreground">
                          /api/proxy/{group.slug}
                        </p>
                      </TableCell>
                      <TableCell className="hidden md:table-cell">
                        <Badge variant="secondary">{t(STRATEGY_LABELS[group.strategy])}</Badge>
                      </TableCell>
                      <TableCell className="hidden text-right tabular-nums sm:table-cell">
                        {group.memberCount}
                      </TableCell>
                      <TableCell>
                        <Switch
                          checked={group.enabled}
                          disabled={!canEdit || pending.has(group.id)}
                          onCheckedChange={(checked) => void toggle(group, checked)}
                          aria-label={t("groups.toggleLabel", { name: group.name })}
                        />
                      </TableCell>
                      <TableCell className="hidden text-muted-foreground lg:table-cell">
                        <time dateTime={group.updatedAt} title={formatDateTime(locale, group.updatedAt)}>
                          {formatRelativeTime(locale, group.updatedAt, now)}
                        </time>
                      </TableCell>
                      <TableCell className="text-right text-muted-foreground">
                        <ChevronRightIcon className="ml-auto size-4" aria-hidden />
                      </TableCell>
                    </TableRow>
                  ))}
              {query.data && view.rows.length === 0 && (
                <TableRow className="hover:bg-transparent">
                  <TableCell colSpan={6} className="py-10 text-center text-muted-foreground">
                    {t("common.noResults", { query: view.query })}
                  </TableCell>
                </TableRow>
              )}
            </TableBody>
          </Table>
        </Card>
      )}

      <GroupCreateDialog
        open={creating}
        onOpenChange={setCreating}
        onCreated={(group) => {
          setCreating(false);
          toast.success(t("groups.created", { name: group.name }));
          router.push(`/groups/${group.id}`);
        }}
      />
    </div>
  );
}

function SkeletonRow() {
  return (
    <TableRow className="hover:bg-transparent">
      <TableCell>
        <Skeleton className="h-4 w-36" />
        <Skeleton className="mt-1.5 h-3 w-28" />
      </TableCell>
      <TableCell className="hidden md:table-cell">
        <Skeleton className="h-5 w-32" />
      </TableCell>
      <TableCell className="hidden sm:table-cell">
        <Skeleton className="ml-auto h-4 w-6" />
      </TableCell>
      <TableCell>
        <Skeleton className="h-5 w-8 rounded-full" />
      </TableCell>
      <TableCell className="hidden lg:table-cell">
        <Skeleton className="h-4 w-20" />
      </TableCell>
      <TableCell />
    </TableRow>
  );
}
