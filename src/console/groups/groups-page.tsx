"use client";

import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { BoxesIcon, ChevronRightIcon } from "lucide-react";
import type { Group } from "@/contracts/groups";
import { Badge } from "@/components/ui/badge";
import { useTableView, type TableViewOptions } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { Switch } from "@/components/ui/switch";
import { TableCell, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import { endpoints } from "../endpoints";
import { RelativeTime } from "../relative-time";
import { AddButton } from "../resource-list/add-button";
import { ResourceStates } from "../resource-list/resource-states";
import { ResourceTableCard } from "../resource-list/resource-table-card";
import { SkeletonRow, type SkeletonCell } from "../resource-list/skeleton-row";
import { useOptimisticToggle, useResourceRows } from "../resource-list/use-resource-rows";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { useNow } from "../use-now";
import { selectGroups, updateGroup } from "./group-api";
import { GroupCreateDialog } from "./group-create-dialog";
import { strategyLabelKey } from "./group-form-model";

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
  const rows = useResourceRows<Group>(query.setData);
  const { pending, toggle } = useOptimisticToggle<Group>({
    rows,
    save: async (group, enabled) => {
      const saved = await updateGroup(group.id, { enabled });
      return { ...saved, memberCount: saved.providers.length };
    },
    message: (group, enabled) =>
      t(enabled ? "groups.enabledToast" : "groups.disabledToast", { name: group.name }),
  });

  const addButton = canEdit && <AddButton label={t("groups.add")} onClick={() => setCreating(true)} />;

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("groups.title")} description={t("groups.description")} actions={addButton} />

      <ResourceStates
        query={query}
        empty={{
          icon: BoxesIcon,
          title: t("groups.emptyTitle"),
          description: t("groups.emptyText"),
          action: addButton,
        }}
      >
        <ResourceTableCard
          query={query}
          view={view}
          searchPlaceholder={t("groups.searchPlaceholder")}
          skeleton={<SkeletonRow cells={SKELETON_CELLS} />}
          columns={[
            { label: t("groups.columnName"), sort: "name", className: "w-full" },
            { label: t("groups.columnStrategy"), sort: "strategy", className: "hidden md:table-cell" },
            {
              label: t("groups.columnMembers"),
              sort: "memberCount",
              align: "right",
              className: "hidden sm:table-cell",
            },
            { label: t("groups.columnEnabled"), sort: "enabled" },
            { label: t("groups.columnUpdated"), sort: "updatedAt", className: "hidden lg:table-cell" },
            { label: t("common.actions"), srOnly: true, className: "w-10" },
          ]}
          row={(group) => (
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
                <p className="truncate font-mono text-xs text-muted-foreground">/api/proxy/{group.slug}</p>
              </TableCell>
              <TableCell className="hidden md:table-cell">
                <Badge variant="secondary">{t(strategyLabelKey(group.strategy))}</Badge>
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
                <RelativeTime iso={group.updatedAt} now={now} />
              </TableCell>
              <TableCell className="text-right text-muted-foreground">
                <ChevronRightIcon className="ml-auto size-4" aria-hidden />
              </TableCell>
            </TableRow>
          )}
        />
      </ResourceStates>

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

/** The placeholder row while the list loads, cell for cell like the real rows. */
const SKELETON_CELLS: readonly SkeletonCell[] = [
  { bars: ["h-4 w-36", "mt-1.5 h-3 w-28"] },
  { className: "hidden md:table-cell", bars: ["h-5 w-32"] },
  { className: "hidden sm:table-cell", bars: ["ml-auto h-4 w-6"] },
  { bars: ["h-5 w-8 rounded-full"] },
  { className: "hidden lg:table-cell", bars: ["h-4 w-20"] },
  {},
];
