"use client";

import { useCallback, useState } from "react";
import { useRouter } from "next/navigation";
import { PencilIcon, SearchXIcon, Trash2Icon } from "lucide-react";
import type { Quota } from "@/contracts/quota";
import type { Tenant } from "@/contracts/tenants";
import { DEFAULT_TENANT_ID } from "@/core/vocabulary/tenants";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Switch } from "@/components/ui/switch";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import { BackLink } from "../back-link";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { ErrorState } from "../error-state";
import { QuotaForm } from "../quotas/quota-form";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { selectTenant, updateTenant } from "./tenant-api";
import { TenantDialog } from "./tenant-dialog";
import { TenantMembers } from "./tenant-members";
import { TenantTokens } from "./tenant-tokens";
import { DeleteTenantDialog } from "./tenants-page";

/** One tenant: enable switch, rename, delete, its members, admin tokens and quota. */
export function TenantDetailPage({ tenantId }: { tenantId: string }) {
  const t = useT();
  const router = useRouter();
  const { user } = useSession();
  const canEdit = user?.role === "admin";
  const query = useApiQuery(endpoints.tenant(tenantId), selectTenant);
  const { setData } = query;
  const setTenant = useCallback((tenant: Tenant) => setData(() => tenant), [setData]);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [toggling, setToggling] = useState(false);
  const tenant = query.data;
  const isDefault = tenantId === DEFAULT_TENANT_ID;
  const back = <BackLink href="/tenants" label={t("tenants.back")} />;

  if (query.error && !tenant) {
    return (
      <div className="flex flex-col gap-6">
        {back}
        {query.error.code === "TENANT_NOT_FOUND" ? (
          <EmptyState
            icon={SearchXIcon}
            title={t("tenants.notFoundTitle")}
            description={t("tenants.notFoundText")}
          />
        ) : (
          <ErrorState message={describeError(t, query.error)} onRetry={query.reload} />
        )}
      </div>
    );
  }

  async function toggle(enabled: boolean) {
    if (!tenant) return;
    setToggling(true);
    setTenant({ ...tenant, enabled });
    try {
      setTenant(await updateTenant(tenant.id, { enabled }));
      toast.success(t(enabled ? "tenants.enabledToast" : "tenants.disabledToast", { name: tenant.name }));
    } catch (error) {
      setTenant(tenant);
      toast.error(describeError(t, error));
    } finally {
      setToggling(false);
    }
  }

  const saveQuota = async (quota: Quota | null) => {
    setTenant(await updateTenant(tenantId, { quota }));
  };

  return (
    <div className="flex flex-col gap-8">
      <div className="flex flex-col gap-6">
        {back}
        <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
          <div className="flex min-w-0 flex-col gap-1">
            {tenant ? (
              <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold tracking-tight">
                <span className="truncate">{tenant.name}</span>
                {!tenant.enabled && <Badge variant="secondary">{t("common.disabled")}</Badge>}
                {isDefault && <Badge variant="secondary">{t("tenants.defaultBadge")}</Badge>}
              </h1>
            ) : (
              <Skeleton className="h-8 w-48" />
            )}
            {tenant ? (
              <p className="font-mono text-sm text-muted-foreground">{tenant.slug}</p>
            ) : (
              <Skeleton className="h-5 w-32" />
            )}
          </div>
          {tenant && (
            <div className="flex shrink-0 items-center gap-3">
              <label className="flex items-center gap-2 text-sm font-medium">
                <Switch
                  checked={tenant.enabled}
                  disabled={!canEdit || isDefault || toggling}
                  onCheckedChange={(checked) => void toggle(checked)}
                  aria-label={t("tenants.toggleLabel", { name: tenant.name })}
                />
                {t("common.enabled")}
              </label>
              {canEdit && (
                <Button variant="outline" onClick={() => setEditing(true)}>
                  <PencilIcon aria-hidden />
                  {t("common.edit")}
                </Button>
              )}
              {canEdit && !isDefault && (
                <Button variant="outline" onClick={() => setDeleting(true)}>
                  <Trash2Icon aria-hidden />
                  {t("common.delete")}
                </Button>
              )}
            </div>
          )}
        </div>
      </div>

      <TenantMembers tenantId={tenantId} canEdit={canEdit} />
      <TenantTokens tenantId={tenantId} canEdit={canEdit} />
      {tenant ? (
        <QuotaForm
          quota={tenant.quota}
          canEdit={canEdit}
          description={t("tenants.quotaDescription")}
          save={saveQuota}
        />
      ) : (
        <Skeleton className="h-64 w-full" />
      )}

      <TenantDialog
        open={editing}
        onOpenChange={setEditing}
        tenant={tenant}
        onSaved={(saved) => {
          setTenant(saved);
          setEditing(false);
          toast.success(t("tenants.updated", { name: saved.name }));
        }}
      />
      <DeleteTenantDialog
        tenant={tenant}
        open={deleting}
        onOpenChange={setDeleting}
        onDeleted={() => router.push("/tenants")}
      />
    </div>
  );
}
