"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { ActivityIcon, PencilIcon, PlugZapIcon, ServerIcon, Trash2Icon } from "lucide-react";
import type { ProviderHealth } from "@/contracts/health";
import type { Provider } from "@/contracts/providers";
import { Badge } from "@/components/ui/badge";
import { useTableView, type TableViewOptions } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { Switch } from "@/components/ui/switch";
import { TableCell, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
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
import { endpoints } from "../endpoints";
import { ProviderDeleteDialog } from "./provider-delete-dialog";
import { ProviderFormDialog } from "./provider-form-dialog";
import { selectProviders, setProviderEnabled } from "./provider-api";
import { useProviderTest } from "./provider-test";
import { HealthStateBadge } from "../health/health-state-badge";
import { useProviderHealth } from "../health/use-provider-health";

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
  const router = useRouter();
  // Viewers see everything but change nothing; the API refuses their writes anyway.
  const canEdit = user?.role !== "viewer";
  const query = useApiQuery(endpoints.providers, selectProviders);
  const view = useTableView<Provider, Column>(
    query.data,
    { ...VIEW_OPTIONS, locale },
    { column: "name", direction: "asc" },
  );
  const now = useNow();
  const tester = useProviderTest();
  const health = useProviderHealth();
  const editing = useDialogSubject<Provider>();
  const deleting = useDialogSubject<Provider>();
  const rows = useResourceRows<Provider>(query.setData);
  const { pending, toggle } = useOptimisticToggle<Provider>({
    rows,
    save: (provider, enabled) => setProviderEnabled(provider.id, enabled),
    message: (provider, enabled) =>
      t(enabled ? "providers.enabledToast" : "providers.disabledToast", { name: provider.name }),
  });

  const addButton = canEdit && <AddButton label={t("providers.add")} onClick={() => editing.show()} />;

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("providers.title")} description={t("providers.description")} actions={addButton} />

      <ResourceStates
        query={query}
        empty={{
          icon: ServerIcon,
          title: t("providers.emptyTitle"),
          description: t("providers.emptyText"),
          action: addButton,
        }}
      >
        <ResourceTableCard
          query={query}
          view={view}
          searchPlaceholder={t("providers.searchPlaceholder")}
          skeletonRows={5}
          skeleton={<SkeletonRow cells={SKELETON_CELLS} />}
          columns={[
            { label: t("providers.columnName"), sort: "name" },
            {
              label: t("providers.columnBaseUrl"),
              sort: "baseUrl",
              className: "hidden w-full lg:table-cell",
            },
            { label: t("providers.columnAuth"), className: "hidden xl:table-cell" },
            { label: t("providers.columnHealth") },
            {
              label: t("providers.columnWeight"),
              sort: "weight",
              align: "right",
              className: "hidden sm:table-cell",
            },
            { label: t("providers.columnEnabled"), sort: "enabled" },
            { label: t("providers.columnUpdated"), sort: "updatedAt", className: "hidden xl:table-cell" },
            { label: t("common.actions"), srOnly: true, className: "w-12" },
          ]}
          row={(provider) => (
            <TableRow key={provider.id}>
              {/* Below lg this column absorbs the spare width (the URL column is hidden there). */}
              <TableCell className="w-full max-w-0 lg:w-auto lg:max-w-none">
                <button
                  type="button"
                  className="block max-w-full truncate lg:max-w-[14rem] text-left font-medium outline-none hover:underline focus-visible:underline disabled:no-underline"
                  onClick={() => editing.show(provider)}
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
              <TableCell>
                <HealthCell
                  health={health}
                  id={provider.id}
                  label={t("providers.openDetail", { name: provider.name })}
                />
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
                <RelativeTime iso={provider.updatedAt} now={now} />
              </TableCell>
              <TableCell className="text-right">
                {canEdit && (
                  <RowActionsMenu
                    actions={[
                      { label: t("common.edit"), icon: PencilIcon, onSelect: () => editing.show(provider) },
                      {
                        label: t("providers.details"),
                        icon: ActivityIcon,
                        onSelect: () => router.push(`/providers/${provider.id}`),
                      },
                      {
                        label: t("providers.testAction"),
                        icon: PlugZapIcon,
                        onSelect: () => void tester.run(provider),
                      },
                      {
                        label: t("common.delete"),
                        icon: Trash2Icon,
                        destructive: true,
                        onSelect: () => deleting.show(provider),
                      },
                    ]}
                  />
                )}
              </TableCell>
            </TableRow>
          )}
        />
      </ResourceStates>

      <ProviderFormDialog
        open={editing.open}
        onOpenChange={editing.setOpen}
        provider={editing.subject}
        onSaved={(saved, mode) => {
          rows.upsert(saved);
          editing.setOpen(false);
          toast.success(
            t(mode === "create" ? "providers.created" : "providers.updated", { name: saved.name }),
          );
        }}
      />
      <ProviderDeleteDialog
        open={deleting.open}
        provider={deleting.subject}
        onOpenChange={deleting.setOpen}
        onDeleted={(removed) => {
          rows.remove(removed.id);
          deleting.setOpen(false);
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
        : provider.authStyle.startsWith("header:")
          ? provider.authStyle.slice("header:".length)
          : t("providers.authStyle_none");
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

/**
 * The provider's health badge (a placeholder until health has loaded; a dash if it has none), linking
 * to the provider's page with its health history.
 */
function HealthCell({
  health,
  id,
  label,
}: {
  health: ReadonlyMap<string, ProviderHealth> | undefined;
  id: string;
  label: string;
}) {
  if (health === undefined) return <Skeleton className="h-5 w-16" />;
  const state = health.get(id)?.state;
  return (
    <Link
      href={`/providers/${id}`}
      title={label}
      className="inline-flex rounded-md outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
    >
      {state ? <HealthStateBadge state={state} /> : <span className="text-muted-foreground">—</span>}
      {/* Named by its visible state plus this, so the link says where it goes (label-content-name-match). */}
      <span className="sr-only">{label}</span>
    </Link>
  );
}

/** The placeholder row while the list loads, cell for cell like the real rows. */
const SKELETON_CELLS: readonly SkeletonCell[] = [
  { bars: ["h-4 w-32"] },
  { className: "hidden w-full lg:table-cell", bars: ["h-4 w-full max-w-56"] },
  { className: "hidden xl:table-cell", bars: ["h-5 w-24"] },
  { bars: ["h-5 w-16"] },
  { className: "hidden sm:table-cell", bars: ["ml-auto h-4 w-8"] },
  { bars: ["h-5 w-8 rounded-full"] },
  { className: "hidden xl:table-cell", bars: ["h-4 w-20"] },
  {},
];
