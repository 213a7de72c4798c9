"use client";

import { useMemo, useState } from "react";
import Link from "next/link";
import { KeyRoundIcon, PencilIcon, Trash2Icon } from "lucide-react";
import type { ApiKey, CreatedApiKey } from "@/contracts/api-keys";
import { Badge } from "@/components/ui/badge";
import { useTableView, type TableViewOptions } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { Switch } from "@/components/ui/switch";
import { TableCell, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { ConfirmDialog } from "../confirm-dialog";
import { endpoints } from "../endpoints";
import { formatCount } from "../format";
import { selectGroups } from "../groups/group-api";
import { RelativeTime } from "../relative-time";
import { AddButton } from "../resource-list/add-button";
import { ResourceStates } from "../resource-list/resource-states";
import { ResourceTableCard } from "../resource-list/resource-table-card";
import { SkeletonRow, type SkeletonCell } from "../resource-list/skeleton-row";
import { RowActionsMenu } from "../resource-list/row-actions-menu";
import { useDialogSubject } from "../resource-list/use-dialog-subject";
import { useOptimisticToggle, useResourceRows } from "../resource-list/use-resource-rows";
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
  const editing = useDialogSubject<ApiKey>();
  const revoking = useDialogSubject<ApiKey>();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const rows = useResourceRows<ApiKey>(query.setData);
  const { pending, toggle } = useOptimisticToggle<ApiKey>({
    rows,
    save: (key, enabled) => updateApiKey(key.id, { enabled }),
    message: (key, enabled) =>
      t(enabled ? "apiKeys.enabledToast" : "apiKeys.disabledToast", { name: key.name }),
  });

  const addButton = canEdit && <AddButton label={t("apiKeys.add")} onClick={() => editing.show()} />;

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("apiKeys.title")} description={t("apiKeys.description")} actions={addButton} />

      <ResourceStates
        query={query}
        empty={{
          icon: KeyRoundIcon,
          title: t("apiKeys.emptyTitle"),
          description: t("apiKeys.emptyText"),
          action: addButton,
        }}
      >
        <ResourceTableCard
          query={query}
          view={view}
          searchPlaceholder={t("apiKeys.searchPlaceholder")}
          skeleton={<SkeletonRow cells={SKELETON_CELLS} />}
          columns={[
            { label: t("apiKeys.columnName"), sort: "name", className: "w-full" },
            { label: t("apiKeys.columnScope"), sort: "scope", className: "hidden md:table-cell" },
            { label: t("apiKeys.columnLimits"), className: "hidden lg:table-cell" },
            { label: t("apiKeys.columnExpires"), sort: "expiresAt", className: "hidden xl:table-cell" },
            { label: t("apiKeys.columnLastUsed"), sort: "lastUsedAt", className: "hidden sm:table-cell" },
            { label: t("apiKeys.columnEnabled"), sort: "enabled" },
            { label: t("common.actions"), srOnly: true, className: "w-12" },
          ]}
          row={(key) => {
            const scope = key.groupId ? (groupNames.get(key.groupId) ?? "…") : null;
            const expired = isExpired(key, now);
            return (
              <TableRow key={key.id} data-testid="api-key-row">
                <TableCell className="max-w-0">
                  <div className="flex items-center gap-2">
                    <Link
                      href={`/api-keys/${key.id}`}
                      title={t("keyUsage.link", { name: key.name })}
                      className="truncate rounded-sm font-medium outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
                    >
                      {key.name}
                    </Link>
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
                  {key.expiresAt ? <RelativeTime iso={key.expiresAt} now={now} /> : t("apiKeys.never")}
                </TableCell>
                <TableCell className="hidden text-muted-foreground sm:table-cell">
                  {key.lastUsedAt ? <RelativeTime iso={key.lastUsedAt} now={now} /> : t("apiKeys.neverUsed")}
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
                    <RowActionsMenu
                      actions={[
                        { label: t("common.edit"), icon: PencilIcon, onSelect: () => editing.show(key) },
                        {
                          label: t("apiKeys.revoke"),
                          icon: Trash2Icon,
                          destructive: true,
                          onSelect: () => revoking.show(key),
                        },
                      ]}
                    />
                  )}
                </TableCell>
              </TableRow>
            );
          }}
        />
      </ResourceStates>

      <ApiKeyFormDialog
        open={editing.open}
        onOpenChange={editing.setOpen}
        apiKey={editing.subject}
        groups={groups.data ?? []}
        onCreated={(result) => {
          rows.upsert(withoutSecret(result));
          editing.setOpen(false);
          setCreated(result);
        }}
        onUpdated={(saved) => {
          rows.upsert(saved);
          editing.setOpen(false);
          toast.success(t("apiKeys.updated", { name: saved.name }));
        }}
      />
      <ApiKeyCreatedDialog created={created} onClose={() => setCreated(null)} />
      <ConfirmDialog
        open={revoking.open}
        onOpenChange={revoking.setOpen}
        title={t("apiKeys.revokeTitle", { name: revoking.subject?.name ?? "" })}
        description={t("apiKeys.revokeText")}
        confirmLabel={t("apiKeys.revokeConfirm")}
        onConfirm={async () => {
          const key = revoking.subject;
          if (!key) return;
          await deleteApiKey(key.id);
          rows.remove(key.id);
          revoking.setOpen(false);
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

/** The placeholder row while the list loads, cell for cell like the real rows. */
const SKELETON_CELLS: readonly SkeletonCell[] = [
  { bars: ["h-4 w-32", "mt-1.5 h-3 w-24"] },
  { className: "hidden md:table-cell", bars: ["h-5 w-20"] },
  { className: "hidden lg:table-cell", bars: ["h-4 w-24"] },
  { className: "hidden xl:table-cell", bars: ["h-4 w-20"] },
  { className: "hidden sm:table-cell", bars: ["h-4 w-16"] },
  { bars: ["h-5 w-8 rounded-full"] },
  {},
];
