"use client";

import { useCallback, useMemo, useState } from "react";
import { EllipsisIcon, KeyRoundIcon, PencilIcon, PlusIcon, RefreshCwIcon, Trash2Icon } from "lucide-react";
import type { ApiKey, CreatedApiKey } from "@/contracts/api-keys";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { SortableHead, TableSearch, useTableView, type TableViewOptions } from "@/components/ui/data-table";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { useI18n } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { ConfirmDialog } from "../confirm-dialog";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { ErrorState } from "../error-state";
import { formatCount, formatDateTime, formatRelativeTime } from "../format";
import { selectGroups } from "../groups/group-api";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { useNow } from "../use-now";
import { deleteApiKey, isExpired, selectApiKeys, updateApiKey, withoutSecret } from "./api-key-api";
import { ApiKeyCreatedDialog } from "./api-key-created-dialog";
import { ApiKeyFormDialog } from "./api-key-form-dialog";

type Column = "name" | "scope" | "expiresAt" | "lastUsedAt" | "enabled";

/** The API keys page: masked keys with scope, limits, expiry and last use; generate, edit, revoke. */
export function ApiKeysPage() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const canEdit = user?.role !== "viewer";
  const query = useApiQuery(endpoints.apiKeys, selectApiKeys);
  const groups = useApiQuery(endpoints.groups, selectGroups);
  const groupNames = useMemo(() => new Map(groups.data?.map((g) => [g.id, g.name])), [groups.data]);
  const options = useMemo<TableViewOptions<ApiKey, Column>>(
    () => ({
      locale,
      searchText: (k) =>
        `${k.name} ${k.keyMasked} ${k.note} ${k.groupId ? (groupNames.get(k.groupId) ?? "") : ""}`,
      sortValues: {
        name: (k) => k.name,
        scope: (k) => (k.groupId ? (groupNames.get(k.groupId) ?? "") : ""),
        expiresAt: (k) => k.expiresAt ?? "9999",
        lastUsedAt: (k) => k.lastUsedAt ?? "",
        enabled: (k) => k.enabled,
      },
    }),
    [locale, groupNames],
  );
  const view = useTableView<ApiKey, Column>(query.data, options, { column: "name", direction: "asc" });
  const now = useNow();
  const [editing, setEditing] = useState<{ open: boolean; key?: ApiKey }>({ open: false });
  const [revoking, setRevoking] = useState<{ open: boolean; key?: ApiKey }>({ open: false });
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const { setData } = query;

  const replace = useCallback(
    (saved: ApiKey) =>
      setData((rows) => {
        const list = rows ?? [];
        return list.some((row) => row.id === saved.id)
          ? list.map((row) => (row.id === saved.id ? saved : row))
          : [...list, saved];
      }),
    [setData],
  );

  async function toggle(key: ApiKey, enabled: boolean) {
    setPending((current) => new Set(current).add(key.id));
    replace({ ...key, enabled });
    try {
      replace(await updateApiKey(key.id, { enabled }));
      toast.success(t(enabled ? "apiKeys.enabledToast" : "apiKeys.disabledToast", { name: key.name }));
    } catch (error) {
      replace(key);
      toast.error(describeError(t, error));
    } finally {
      setPending((current) => {
        const next = new Set(current);
        next.delete(key.id);
        return next;
      });
    }
  }

  const addButton = canEdit && (
    <Button onClick={() => setEditing({ open: true })}>
      <PlusIcon />
      {t("apiKeys.add")}
    </Button>
  );

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("apiKeys.title")} description={t("apiKeys.description")} actions={addButton} />

      {query.error && !query.data ? (
        <ErrorState message={describeError(t, query.error)} onRetry={query.reload} />
      ) : query.data && query.data.length === 0 ? (
        <EmptyState
          icon={KeyRoundIcon}
          title={t("apiKeys.emptyTitle")}
          description={t("apiKeys.emptyText")}
          action={addButton}
        />
      ) : (
        <Card className="gap-0 py-0">
          <div className="flex items-center justify-between gap-3 border-b p-3">
            <TableSearch
              value={view.query}
              onValueChange={view.setQuery}
              placeholder={t("apiKeys.searchPlaceholder")}
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
                  {t("apiKeys.columnName")}
                </SortableHead>
                <SortableHead
                  column="scope"
                  sort={view.sort}
                  onSort={view.toggleSort}
                  className="hidden md:table-cell"
                >
                  {t("apiKeys.columnScope")}
                </SortableHead>
                <TableHead className="hidden lg:table-cell">{t("apiKeys.columnLimits")}</TableHead>
                <SortableHead
                  column="expiresAt"
                  sort={view.sort}
                  onSort={view.toggleSort}
                  className="hidden xl:table-cell"
                >
                  {t("apiKeys.columnExpires")}
                </SortableHead>
                <SortableHead
                  column="lastUsedAt"
                  sort={view.sort}
                  onSort={view.toggleSort}
                  className="hidden sm:table-cell"
                >
                  {t("apiKeys.columnLastUsed")}
                </SortableHead>
                <SortableHead column="enabled" sort={view.sort} onSort={view.toggleSort}>
                  {t("apiKeys.columnEnabled")}
                </SortableHead>
                <TableHead className="w-12">
                  <span className="sr-only">{t("common.actions")}</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {query.isLoading && !query.data
                ? Array.from({ length: 4 }, (_, i) => <SkeletonRow key={i} />)
                : view.rows.map((key) => {
                    const scope = key.groupId ? (groupNames.get(key.groupId) ?? "…") : null;
                    const expired = isExpired(key, now);
                    return (
                      <TableRow key={key.id} data-testid="api-key-row">
                        <TableCell className="max-w-0">
                          <div className="flex items-center gap-2">
                            <span className="truncate font-medium">{key.name}</span>
                            {expired && <Badge variant="destructive">{t("apiKeys.expired")}</Badge>}
                          </div>
                          <p className="truncate font-mono text-xs text-muted-foreground">{key.keyMasked}</p>
                          <p className="truncate text-xs text-muted-foreground md:hidden">
                            {scope ?? t("apiKeys.scopeGlobal")}
                          </p>
                        </TableCell>
                        <TableCell className="hidden md:table-cell">
                          {scope ? (
                            <Badge variant="outline">{scope}</Badge>
                          ) : (
                            <Badge variant="secondary">{t("apiKeys.scopeGlobal")}</Badge>
                          )}
                        </TableCell>
                        <TableCell className="hidden text-muted-foreground tabular-nums lg:table-cell">
                          <Limits apiKey={key} t={t} locale={locale} />
                        </TableCell>
                        <TableCell className="hidden text-muted-foreground xl:table-cell">
                          {key.expiresAt ? (
                            <time dateTime={key.expiresAt} title={formatDateTime(locale, key.expiresAt)}>
                              {formatRelativeTime(locale, key.expiresAt, now)}
                            </time>
                          ) : (
                            t("apiKeys.never")
                          )}
                        </TableCell>
                        <TableCell className="hidden text-muted-foreground sm:table-cell">
                          {key.lastUsedAt ? (
                            <time dateTime={key.lastUsedAt} title={formatDateTime(locale, key.lastUsedAt)}>
                              {formatRelativeTime(locale, key.lastUsedAt, now)}
                            </time>
                          ) : (
                            t("apiKeys.neverUsed")
                          )}
                        </TableCell>
                        <TableCell>
                          <Switch
                            checked={key.enabled}
                            disabled={!canEdit || pending.has(key.id)}
                            onCheckedChange={(checked) => void toggle(key, checked)}
                            aria-label={t("apiKeys.toggleLabel", { name: key.name })}
                          />
                        </TableCell>
                        <TableCell className="text-right">
                          {canEdit && (
                            <RowActions
                              t={t}
                              onEdit={() => setEditing({ open: true, key })}
                              onRevoke={() => setRevoking({ open: true, key })}
                            />
                          )}
                        </TableCell>
                      </TableRow>
                    );
                  })}
              {query.data && view.rows.length === 0 && (
                <TableRow className="hover:bg-transparent">
                  <TableCell colSpan={7} className="py-10 text-center text-muted-foreground">
                    {t("common.noResults", { query: view.query })}
                  </TableCell>
                </TableRow>
              )}
            </TableBody>
          </Table>
        </Card>
      )}

      <ApiKeyFormDialog
        open={editing.open}
        onOpenChange={(open) => setEditing((current) => ({ ...current, open }))}
        apiKey={editing.key}
        groups={groups.data ?? []}
        onCreated={(result) => {
          replace(withoutSecret(result));
          setEditing((current) => ({ ...current, open: false }));
          setCreated(result);
        }}
        onUpdated={(saved) => {
          replace(saved);
          setEditing((current) => ({ ...current, open: false }));
          toast.success(t("apiKeys.updated", { name: saved.name }));
        }}
      />
      <ApiKeyCreatedDialog created={created} onClose={() => setCreated(null)} />
      <ConfirmDialog
        open={revoking.open}
        onOpenChange={(open) => setRevoking((current) => ({ ...current, open }))}
        title={t("apiKeys.revokeTitle", { name: revoking.key?.name ?? "" })}
        description={t("apiKeys.revokeText")}
        confirmLabel={t("apiKeys.revokeConfirm")}
        onConfirm={async () => {
          const key = revoking.key;
          if (!key) return;
          await deleteApiKey(key.id);
          setData((rows) => rows?.filter((row) => row.id !== key.id));
          setRevoking((current) => ({ ...current, open: false }));
          toast.success(t("apiKeys.revoked", { name: key.name }));
        }}
      />
    </div>
  );
}

function Limits({ apiKey, t, locale }: { apiKey: ApiKey; t: Translate; locale: string }) {
  const parts: string[] = [];
  if (apiKey.rateLimitPerMinute !== null)
    parts.push(t("apiKeys.perMinute", { n: formatCount(locale, apiKey.rateLimitPerMinute) }));
  if (apiKey.maxConcurrency !== null)
    parts.push(t("apiKeys.concurrent", { n: formatCount(locale, apiKey.maxConcurrency) }));
  return <span>{parts.length > 0 ? parts.join(" · ") : t("apiKeys.unlimited")}</span>;
}

function RowActions({ t, onEdit, onRevoke }: { t: Translate; onEdit: () => void; onRevoke: () => void }) {
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon-sm" aria-label={t("common.moreActions")}>
          <EllipsisIcon />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuItem onSelect={onEdit}>
          <PencilIcon />
          {t("common.edit")}
        </DropdownMenuItem>
        <DropdownMenuSeparator />
        <DropdownMenuItem variant="destructive" onSelect={onRevoke}>
          <Trash2Icon />
          {t("apiKeys.revoke")}
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

function SkeletonRow() {
  return (
    <TableRow className="hover:bg-transparent">
      <TableCell>
        <Skeleton className="h-4 w-32" />
        <Skeleton className="mt-1.5 h-3 w-24" />
      </TableCell>
      <TableCell className="hidden md:table-cell">
        <Skeleton className="h-5 w-20" />
      </TableCell>
      <TableCell className="hidden lg:table-cell">
        <Skeleton className="h-4 w-24" />
      </TableCell>
      <TableCell className="hidden xl:table-cell">
        <Skeleton className="h-4 w-20" />
      </TableCell>
      <TableCell className="hidden sm:table-cell">
        <Skeleton className="h-4 w-16" />
      </TableCell>
      <TableCell>
        <Skeleton className="h-5 w-8 rounded-full" />
      </TableCell>
      <TableCell />
    </TableRow>
  );
}
