"use client";

import { useCallback, useState, useSyncExternalStore } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { ArrowLeftIcon, SearchXIcon, Trash2Icon } from "lucide-react";
import type { GroupDetail } from "@/contracts/groups";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Switch } from "@/components/ui/switch";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import { isApiError } from "../api-client";
import { ConfirmDialog, RefusalExplanation } from "../confirm-dialog";
import { CopyButton } from "../copy-button";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { ErrorState } from "../error-state";
import { selectProviders } from "../providers/provider-api";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { deleteGroup, readKeysInGroup, selectGroupDetail, updateGroup } from "./group-api";
import { GroupMembers } from "./group-members";
import { GroupSettingsForm } from "./group-settings-form";

/** One group: endpoint, enable switch, members (sortable) and routing settings. */
export function GroupDetailPage({ groupId }: { groupId: string }) {
  const t = useT();
  const router = useRouter();
  const { user } = useSession();
  const canEdit = user?.role !== "viewer";
  const query = useApiQuery(endpoints.group(groupId), selectGroupDetail);
  const providers = useApiQuery(endpoints.providers, selectProviders);
  const [deleting, setDeleting] = useState(false);
  const [toggling, setToggling] = useState(false);
  const origin = useSyncExternalStore(subscribeNever, readOrigin, () => "");
  const { setData } = query;
  const setGroup = useCallback((group: GroupDetail) => setData(() => group), [setData]);
  const group = query.data;

  async function toggle(enabled: boolean) {
    if (!group) return;
    setToggling(true);
    setGroup({ ...group, enabled });
    try {
      setGroup(await updateGroup(group.id, { enabled }));
      toast.success(t(enabled ? "groups.enabledToast" : "groups.disabledToast", { name: group.name }));
    } catch (error) {
      setGroup(group);
      toast.error(describeError(t, error));
    } finally {
      setToggling(false);
    }
  }

  const back = (
    <Link
      href="/groups"
      className="inline-flex w-fit items-center gap-1.5 rounded-sm text-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
    >
      <ArrowLeftIcon className="size-4" aria-hidden />
      {t("groups.back")}
    </Link>
  );

  if (query.error && !group) {
    const missing = query.error.code === "GROUP_NOT_FOUND" || query.error.code === "VALIDATION_FAILED";
    return (
      <div className="flex flex-col gap-6">
        {back}
        {missing ? (
          <EmptyState
            icon={SearchXIcon}
            title={t("groups.notFoundTitle")}
            description={t("groups.notFoundText")}
          />
        ) : (
          <ErrorState message={describeError(t, query.error)} onRetry={query.reload} />
        )}
      </div>
    );
  }

  const endpoint = group ? `${origin}/api/proxy/${group.slug}` : "";
  return (
    <div className="flex flex-col gap-6">
      {back}
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="flex min-w-0 flex-col gap-1">
          {group ? (
            <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold tracking-tight">
              <span className="truncate">{group.name}</span>
              {!group.enabled && <Badge variant="secondary">{t("common.disabled")}</Badge>}
            </h1>
          ) : (
            <Skeleton className="h-8 w-48" />
          )}
          {group ? (
            <p className="text-sm text-muted-foreground">{group.description || t("groups.description")}</p>
          ) : (
            <Skeleton className="h-5 w-72 max-w-full" />
          )}
        </div>
        <div className="flex shrink-0 items-center gap-3">
          {group && (
            <label className="flex items-center gap-2 text-sm font-medium">
              <Switch
                checked={group.enabled}
                disabled={!canEdit || toggling}
                onCheckedChange={(checked) => void toggle(checked)}
                aria-label={t("groups.toggleLabel", { name: group.name })}
              />
              {t("groups.fieldEnabled")}
            </label>
          )}
          {canEdit && group && (
            <Button variant="outline" onClick={() => setDeleting(true)}>
              <Trash2Icon />
              {t("common.delete")}
            </Button>
          )}
        </div>
      </div>

      <Card className="py-4">
        <CardContent className="flex flex-col gap-2 px-4 sm:flex-row sm:items-center sm:gap-4">
          <span className="text-sm font-medium text-muted-foreground">{t("groups.endpoint")}</span>
          {group ? (
            <code
              className="min-w-0 flex-1 truncate rounded-md bg-muted px-2.5 py-1.5 font-mono text-sm"
              data-testid="group-endpoint"
            >
              {endpoint}/…
            </code>
          ) : (
            <Skeleton className="h-8 flex-1" />
          )}
          {group && (
            <CopyButton
              value={endpoint}
              label={t("groups.copyEndpoint")}
              copiedMessage={t("groups.endpointCopied")}
              size="sm"
              showLabel
            />
          )}
        </CardContent>
      </Card>

      {group ? (
        <GroupMembers group={group} providers={providers.data} canEdit={canEdit} onGroupChange={setGroup} />
      ) : (
        <Skeleton className="h-48 w-full rounded-xl" />
      )}
      {group ? (
        <GroupSettingsForm group={group} canEdit={canEdit} onSaved={setGroup} />
      ) : (
        <Skeleton className="h-96 w-full rounded-xl" />
      )}

      {group && (
        <ConfirmDialog
          open={deleting}
          onOpenChange={setDeleting}
          title={t("groups.deleteTitle", { name: group.name })}
          description={t("groups.deleteText", { slug: group.slug })}
          confirmLabel={t("groups.deleteConfirm")}
          onConfirm={async () => {
            await deleteGroup(group.id);
            setDeleting(false);
            toast.success(t("groups.deleted", { name: group.name }));
            router.push("/groups");
          }}
          explainError={(error) => {
            if (!isApiError(error) || error.code !== "GROUP_HAS_KEYS") return undefined;
            return (
              <RefusalExplanation
                title={t("groups.hasKeysTitle", { name: group.name })}
                description={t("groups.hasKeysText")}
              >
                <ul className="grid gap-1 rounded-md border bg-muted/40 p-2 text-sm">
                  {readKeysInGroup(error.details).map((key) => (
                    <li key={key.id} className="px-2 py-1 font-medium">
                      {key.name}
                    </li>
                  ))}
                </ul>
                <Button variant="outline" asChild className="w-fit">
                  <Link href="/api-keys">{t("groups.openApiKeys")}</Link>
                </Button>
              </RefusalExplanation>
            );
          }}
        />
      )}
    </div>
  );
}

// The origin never changes while the page is open; the server render has none (filled in on hydration).
function subscribeNever(): () => void {
  return () => undefined;
}

function readOrigin(): string {
  return window.location.origin;
}
