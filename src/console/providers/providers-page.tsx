"use client";

import { useCallback, useState } from "react";
import { EllipsisIcon, PencilIcon, PlusIcon, RefreshCwIcon, ServerIcon, Trash2Icon } from "lucide-react";
import type { Provider } from "@/contracts/providers";
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
import { describeError } from "../describe-error";
import { formatDateTime, formatRelativeTime } from "../format";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { useNow } from "../use-now";
import { endpoints } from "../endpoints";
import { ErrorState } from "../error-state";
import { ProviderDeleteDialog } from "./provider-delete-dialog";
import { ProviderFormDialog } from "./provider-form-dialog";
import { selectProviders, setProviderEnabled } from "./provider-api";

type Column = "name" | "baseUrl" | "weight" | "enabled" | "updatedAt";

const VIEW_OPTIONS: TableViewOptions<Provider, Column> = {
  searchText: (p) => `${p.name} ${p.baseUrl} ${p.description}`,
  sortValues: {
    name: (p) => p.name,
    baseUrl: (p) => p.baseUrl,
    weight: (p) => p.weight,
    enabled: (p) => p.enabled,
    updatedAt: (p) => p.updatedAt,
  },
};

/** The Providers page: searchable, sortable table with create, edit, enable and delete. */
export function ProvidersPage() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  // Viewers see everything but change nothing; the API refuses their writes anyway.
  const canEdit = user?.role !== "viewer";
  const query = useApiQuery(endpoints.providers, selectProviders);
  const view = useTableView<Provider, Column>(
    query.data,
    { ...VIEW_OPTIONS, locale },
    { column: "name", direction: "asc" },
  );
  const now = useNow();
  // Dialogs keep their provider while closing, so the closing animation shows the same content.
  const [editing, setEditing] = useState<{ open: boolean; provider?: Provider }>({ open: false });
  const [deleting, setDeleting] = useState<{ open: boolean; provider?: Provider }>({ open: false });
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const { setData } = query;

  const replace = useCallback(
    (saved: Provider) =>
      setData((rows) => {
        const list = rows ?? [];
        return list.some((row) => row.id === saved.id)
          ? list.map((row) => (row.id === saved.id ? saved : row))
          : [...list, saved];
      }),
    [setData],
  );

  async function toggle(provider: Provider, enabled: boolean) {
    setPending((current) => new Set(current).add(provider.id));
    replace({ ...provider, enabled });
    try {
      replace(await setProviderEnabled(provider.id, enabled));
      toast.success(
        t(enabled ? "providers.enabledToast" : "providers.disabledToast", { name: provider.name }),
      );
    } catch (error) {
      replace(provider);
      toast.error(describeError(t, error));
    } finally {
      setPending((current) => {
        const next = new Set(current);
        next.delete(provider.id);
        return next;
      });
    }
  }

  const addButton = canEdit && (
    <Button onClick={() => setEditing({ open: true })}>
      <PlusIcon />
      {t("providers.add")}
    </Button>
  );

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("providers.title")} description={t("providers.description")} actions={addButton} />

      {query.error && !query.data ? (
        <ErrorState message={describeError(t, query.error)} onRetry={query.reload} />
      ) : query.data && query.data.length === 0 ? (
        <EmptyState
          icon={ServerIcon}
          title={t("providers.emptyTitle")}
          description={t("providers.emptyText")}
          action={addButton}
        />
      ) : (
        <Card className="gap-0 py-0">
          <div className="flex items-center justify-between gap-3 border-b p-3">
            <TableSearch
              value={view.query}
              onValueChange={view.setQuery}
              placeholder={t("providers.searchPlaceholder")}
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
                <SortableHead column="name" sort={view.sort} onSort={view.toggleSort}>
                  {t("providers.columnName")}
                </SortableHead>
                <SortableHead
                  column="baseUrl"
                  sort={view.sort}
                  onSort={view.toggleSort}
                  className="hidden w-full lg:table-cell"
                >
                  {t("providers.columnBaseUrl")}
                </SortableHead>
                <TableHead className="hidden xl:table-cell">{t("providers.columnAuth")}</TableHead>
                <SortableHead
                  column="weight"
                  sort={view.sort}
                  onSort={view.toggleSort}
                  align="right"
                  className="hidden sm:table-cell"
                >
                  {t("providers.columnWeight")}
                </SortableHead>
                <SortableHead column="enabled" sort={view.sort} onSort={view.toggleSort}>
                  {t("providers.columnEnabled")}
                </SortableHead>
                <SortableHead
                  column="updatedAt"
                  sort={view.sort}
                  onSort={view.toggleSort}
                  className="hidden xl:table-cell"
                >
                  {t("providers.columnUpdated")}
                </SortableHead>
                <TableHead className="w-12">
                  <span className="sr-only">{t("common.actions")}</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {query.isLoading && !query.data
                ? Array.from({ length: 5 }, (_, i) => <SkeletonRow key={i} />)
                : view.rows.map((provider) => (
                    <TableRow key={provider.id}>
                      {/* Below lg this column absorbs the spare width (the URL column is hidden there). */}
                      <TableCell className="w-full max-w-0 lg:w-auto lg:max-w-none">
                        <button
                          type="button"
                          className="block max-w-full truncate lg:max-w-[14rem] text-left font-medium outline-none hover:underline focus-visible:underline disabled:no-underline"
                          onClick={() => setEditing({ open: true, provider })}
                          disabled={!canEdit}
                        >
                          {provider.name}
                        </button>
                        {provider.description && (
                          <p className="truncate text-xs text-muted-foreground lg:max-w-[14rem]">
                            {provider.description}
                          </p>
                        )}
                        <p className="truncate font-mono text-xs text-muted-foreground lg:hidden">
                          {provider.baseUrl}
                        </p>
                      </TableCell>
                      {/* Takes the width the other columns leave, truncating the URL instead of overflowing. */}
                      <TableCell className="hidden w-full max-w-0 lg:table-cell">
                        <span className="block truncate font-mono text-xs" title={provider.baseUrl}>
                          {provider.baseUrl}
                        </span>
                      </TableCell>
                      <TableCell className="hidden xl:table-cell">
                        <CredentialCell provider={provider} t={t} />
                      </TableCell>
                      <TableCell className="hidden text-right tabular-nums sm:table-cell">
                        {provider.weight}
                      </TableCell>
                      <TableCell>
                        <Switch
                          checked={provider.enabled}
                          disabled={!canEdit || pending.has(provider.id)}
                          onCheckedChange={(checked) => void toggle(provider, checked)}
                          aria-label={t("providers.toggleLabel", { name: provider.name })}
                        />
                      </TableCell>
                      <TableCell className="hidden text-muted-foreground xl:table-cell">
                        <time
                          dateTime={provider.updatedAt}
                          title={formatDateTime(locale, provider.updatedAt)}
                        >
                          {formatRelativeTime(locale, provider.updatedAt, now)}
                        </time>
                      </TableCell>
                      <TableCell className="text-right">
                        {canEdit && (
                          <RowActions
                            t={t}
                            onEdit={() => setEditing({ open: true, provider })}
                            onDelete={() => setDeleting({ open: true, provider })}
                          />
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
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

      <ProviderFormDialog
        open={editing.open}
        onOpenChange={(open) => setEditing((current) => ({ ...current, open }))}
        provider={editing.provider}
        onSaved={(saved, mode) => {
          replace(saved);
          setEditing((current) => ({ ...current, open: false }));
          toast.success(
            t(mode === "create" ? "providers.created" : "providers.updated", { name: saved.name }),
          );
        }}
      />
      <ProviderDeleteDialog
        open={deleting.open}
        provider={deleting.provider}
        onOpenChange={(open) => setDeleting((current) => ({ ...current, open }))}
        onDeleted={(removed) => {
          setData((rows) => rows?.filter((row) => row.id !== removed.id));
          setDeleting((current) => ({ ...current, open: false }));
          toast.success(t("providers.deleted", { name: removed.name }));
        }}
      />
    </div>
  );
}

function CredentialCell({ provider, t }: { provider: Provider; t: Translate }) {
  const style =
    provider.authStyle === "bearer"
      ? "Bearer"
      : provider.authStyle === "x-api-key"
        ? "x-api-key"
        : t("providers.authNone");
  return (
    <div className="flex items-center gap-2">
      <Badge variant="secondary" className="font-mono">
        {style}
      </Badge>
      {provider.authStyle !== "none" && (
        <span className="font-mono text-xs text-muted-foreground">
          {provider.hasApiKey ? provider.apiKeyMasked : t("providers.noCredential")}
        </span>
      )}
    </div>
  );
}

function RowActions({ t, onEdit, onDelete }: { t: Translate; onEdit: () => void; onDelete: () => void }) {
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
        <DropdownMenuItem variant="destructive" onSelect={onDelete}>
          <Trash2Icon />
          {t("common.delete")}
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
      </TableCell>
      <TableCell className="hidden w-full lg:table-cell">
        <Skeleton className="h-4 w-full max-w-56" />
      </TableCell>
      <TableCell className="hidden xl:table-cell">
        <Skeleton className="h-5 w-24" />
      </TableCell>
      <TableCell className="hidden sm:table-cell">
        <Skeleton className="ml-auto h-4 w-8" />
      </TableCell>
      <TableCell>
        <Skeleton className="h-5 w-8 rounded-full" />
      </TableCell>
      <TableCell className="hidden xl:table-cell">
        <Skeleton className="h-4 w-20" />
      </TableCell>
      <TableCell />
    </TableRow>
  );
}
