"use client";

import { useMemo } from "react";
import Link from "next/link";
import { BuildingIcon, PencilIcon, Trash2Icon } from "lucide-react";
import type { Tenant } from "@/contracts/tenants";
import { DEFAULT_TENANT_ID } from "@/core/vocabulary/tenants";
import { Badge } from "@/components/ui/badge";
import { useTableView, type TableViewOptions } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { Switch } from "@/components/ui/switch";
import { TableCell, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import { ConfirmDialog } from "../confirm-dialog";
import { endpoints } from "../endpoints";
import { RelativeTime } from "../relative-time";
import { AddButton } from "../resource-list/add-button";
import { ResourceStates } from "../resource-list/resource-states";
import { ResourceTableCard } from "../resource-list/resource-table-card";
import { RowActionsMenu } from "../resource-list/row-actions-menu";
import { SkeletonRow, type SkeletonCell } from "../resource-list/skeleton-row";
import { useDialogSubject } from "../resource-list/use-dialog-subject";
import { useOptimisticToggle, useResourceRows } from "../resource-list/use-resource-rows";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { useNow } from "../use-now";
import { deleteTenant, selectTenants, updateTenant } from "./tenant-api";
import { TenantDialog } from "./tenant-dialog";

type Column = "name" | "slug" | "createdAt" | "enabled";

/** The Tenants page (system administrators): list, create, rename, enable/disable, delete. */
export function TenantsPage() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const canEdit = user?.role === "admin";
  const query = useApiQuery(endpoints.tenants, selectTenants);
  const options = useMemo<TableViewOptions<Tenant, Column>>(
    () => ({
      locale,
      searchText: (x) => `${x.name} ${x.slug}`,
      sortValues: {
        name: (x) => x.name,
        slug: (x) => x.slug,
        createdAt: (x) => x.createdAt,
        enabled: (x) => x.enabled,
      },
    }),
    [locale],
  );
  const view = useTableView<Tenant, Column>(query.data, options, { column: "name", direction: "asc" });
  const now = useNow();
  const editing = useDialogSubject<Tenant>();
  const deleting = useDialogSubject<Tenant>();
  const rows = useResourceRows<Tenant>(query.setData);
  const { pending, toggle } = useOptimisticToggle<Tenant>({
    rows,
    save: (tenant, enabled) => updateTenant(tenant.id, { enabled }),
    message: (tenant, enabled) =>
      t(enabled ? "tenants.enabledToast" : "tenants.disabledToast", { name: tenant.name }),
  });
  const addButton = canEdit && <AddButton label={t("tenants.add")} onClick={() => editing.show()} />;

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("tenants.title")} description={t("tenants.description")} actions={addButton} />
      <ResourceStates
        query={query}
        empty={{ icon: BuildingIcon, title: t("tenants.emptyTitle"), description: t("tenants.emptyText") }}
      >
        <ResourceTableCard
          query={query}
          view={view}
          searchPlaceholder={t("tenants.searchPlaceholder")}
          skeleton={<SkeletonRow cells={SKELETON_CELLS} />}
          columns={[
            { label: t("tenants.columnName"), sort: "name", className: "w-full" },
            { label: t("tenants.columnSlug"), sort: "slug", className: "hidden md:table-cell" },
            { label: t("tenants.columnCreated"), sort: "createdAt", className: "hidden sm:table-cell" },
            { label: t("tenants.columnEnabled"), sort: "enabled" },
            { label: t("common.actions"), srOnly: true, className: "w-12" },
          ]}
          row={(tenant) => {
            const isDefault = tenant.id === DEFAULT_TENANT_ID;
            return (
              <TableRow key={tenant.id} data-testid="tenant-row">
                <TableCell className="max-w-0">
                  <div className="flex items-center gap-2">
                    <Link
                      href={`/tenants/${tenant.id}`}
                      className="truncate rounded-sm font-medium outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
                    >
                      {tenant.name}
                    </Link>
                    {isDefault && <Badge variant="secondary">{t("tenants.defaultBadge")}</Badge>}
                  </div>
                  <p className="truncate font-mono text-xs text-muted-foreground md:hidden">{tenant.slug}</p>
                </TableCell>
                <TableCell className="hidden font-mono text-sm md:table-cell">{tenant.slug}</TableCell>
                <TableCell className="hidden text-muted-foreground sm:table-cell">
                  <RelativeTime iso={tenant.createdAt} now={now} />
                </TableCell>
                <TableCell>
                  <Switch
                    checked={tenant.enabled}
                    disabled={!canEdit || isDefault || pending.has(tenant.id)}
                    onCheckedChange={(checked) => void toggle(tenant, checked)}
                    aria-label={t("tenants.toggleLabel", { name: tenant.name })}
                  />
                </TableCell>
                <TableCell className="text-right">
                  {canEdit && (
                    <RowActionsMenu
                      actions={[
                        { label: t("common.edit"), icon: PencilIcon, onSelect: () => editing.show(tenant) },
                        ...(isDefault
                          ? []
                          : [
                              {
                                label: t("common.delete"),
                                icon: Trash2Icon,
                                destructive: true,
                                onSelect: () => deleting.show(tenant),
                              },
                            ]),
                      ]}
                    />
                  )}
                </TableCell>
              </TableRow>
            );
          }}
        />
      </ResourceStates>

      <TenantDialog
        open={editing.open}
        onOpenChange={editing.setOpen}
        tenant={editing.subject}
        onSaved={(saved, created) => {
          rows.upsert(saved);
          editing.setOpen(false);
          toast.success(t(created ? "tenants.created" : "tenants.updated", { name: saved.name }));
        }}
      />
      <DeleteTenantDialog
        tenant={deleting.subject}
        open={deleting.open}
        onOpenChange={deleting.setOpen}
        onDeleted={(tenant) => rows.remove(tenant.id)}
      />
    </div>
  );
}

/** The confirmation before a tenant and everything it owns is deleted. */
export function DeleteTenantDialog({
  tenant,
  open,
  onOpenChange,
  onDeleted,
}: {
  tenant: Tenant | undefined;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDeleted: (tenant: Tenant) => void;
}) {
  const { t } = useI18n();
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      destructive
      title={t("tenants.deleteTitle", { name: tenant?.name ?? "" })}
      description={t("tenants.deleteText")}
      confirmLabel={t("tenants.deleteConfirm")}
      busyLabel={t("common.deleting")}
      onConfirm={async () => {
        if (!tenant) return;
        await deleteTenant(tenant.id);
        onOpenChange(false);
        onDeleted(tenant);
        toast.success(t("tenants.deleted", { name: tenant.name }));
      }}
    />
  );
}

const SKELETON_CELLS: readonly SkeletonCell[] = [
  { bars: ["h-4 w-32", "mt-1.5 h-3 w-20 md:hidden"] },
  { className: "hidden md:table-cell", bars: ["h-4 w-20"] },
  { className: "hidden sm:table-cell", bars: ["h-4 w-16"] },
  { bars: ["h-5 w-8 rounded-full"] },
  {},
];
