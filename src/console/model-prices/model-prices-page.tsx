"use client";

import { useMemo } from "react";
import { CircleDollarSignIcon, PencilIcon, Trash2Icon } from "lucide-react";
import type { ModelPrice } from "@/contracts/model-prices";
import { useTableView, type TableViewOptions } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { TableCell, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import { ConfirmDialog } from "../confirm-dialog";
import { endpoints } from "../endpoints";
import { formatUsd } from "../format";
import { AddButton } from "../resource-list/add-button";
import { ResourceStates } from "../resource-list/resource-states";
import { ResourceTableCard } from "../resource-list/resource-table-card";
import { RowActionsMenu } from "../resource-list/row-actions-menu";
import { SkeletonRow, type SkeletonCell } from "../resource-list/skeleton-row";
import { useDialogSubject } from "../resource-list/use-dialog-subject";
import { useResourceRows } from "../resource-list/use-resource-rows";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { deleteModelPrice, selectModelPrices } from "./model-price-api";
import { ModelPriceDialog } from "./model-price-dialog";
import { PriceImportCard } from "./price-import-card";

type Column = "model" | "input" | "output";

/**
 * The price book: USD per million tokens per model name or glob, which every request's cost is
 * computed from. Shared by every tenant, so only system administrators change it here.
 */
export function ModelPricesPage() {
  const { t, locale } = useI18n();
  const { user, identity } = useSession();
  const canEdit = user?.role === "admin" && identity?.system === true;
  const query = useApiQuery(endpoints.modelPrices, selectModelPrices);
  const options = useMemo<TableViewOptions<ModelPrice, Column>>(
    () => ({
      locale,
      searchText: (p) => p.model,
      sortValues: { model: (p) => p.model, input: (p) => p.inputPerMTok, output: (p) => p.outputPerMTok },
    }),
    [locale],
  );
  const view = useTableView<ModelPrice, Column>(query.data, options, { column: "model", direction: "asc" });
  const editing = useDialogSubject<ModelPrice>();
  const deleting = useDialogSubject<ModelPrice>();
  const rows = useResourceRows<ModelPrice>(query.setData);
  const usd = (value: number | null) =>
    value === null ? t("modelPrices.sameAsInput") : formatUsd(locale, value);
  const addButton = canEdit && <AddButton label={t("modelPrices.add")} onClick={() => editing.show()} />;

  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title={t("modelPrices.title")}
        description={t("modelPrices.description")}
        actions={addButton}
      />
      {canEdit && <PriceImportCard onImported={query.reload} />}
      <ResourceStates
        query={query}
        empty={{
          icon: CircleDollarSignIcon,
          title: t("modelPrices.emptyTitle"),
          description: t("modelPrices.emptyText"),
          action: addButton,
        }}
      >
        <ResourceTableCard
          query={query}
          view={view}
          searchPlaceholder={t("modelPrices.searchPlaceholder")}
          skeleton={<SkeletonRow cells={SKELETON_CELLS} />}
          columns={[
            { label: t("modelPrices.columnModel"), sort: "model", className: "w-full" },
            { label: t("modelPrices.columnInput"), sort: "input", className: "text-right" },
            {
              label: t("modelPrices.columnOutput"),
              sort: "output",
              className: "hidden text-right sm:table-cell",
            },
            { label: t("modelPrices.columnCacheRead"), className: "hidden text-right lg:table-cell" },
            { label: t("modelPrices.columnCacheWrite"), className: "hidden text-right lg:table-cell" },
            { label: t("common.actions"), srOnly: true, className: "w-12" },
          ]}
          row={(price) => (
            <TableRow key={price.id} data-testid="model-price-row">
              <TableCell className="max-w-0">
                <p className="truncate font-mono text-sm font-medium">{price.model}</p>
                <p className="truncate text-xs text-muted-foreground sm:hidden">
                  {t("modelPrices.outputShort", { price: usd(price.outputPerMTok) })}
                </p>
              </TableCell>
              <TableCell className="text-right tabular-nums">{usd(price.inputPerMTok)}</TableCell>
              <TableCell className="hidden text-right tabular-nums sm:table-cell">
                {usd(price.outputPerMTok)}
              </TableCell>
              <TableCell className="hidden text-right text-muted-foreground tabular-nums lg:table-cell">
                {usd(price.cacheReadPerMTok)}
              </TableCell>
              <TableCell className="hidden text-right text-muted-foreground tabular-nums lg:table-cell">
                {usd(price.cacheWritePerMTok)}
              </TableCell>
              <TableCell className="text-right">
                {canEdit && (
                  <RowActionsMenu
                    actions={[
                      { label: t("common.edit"), icon: PencilIcon, onSelect: () => editing.show(price) },
                      {
                        label: t("common.delete"),
                        icon: Trash2Icon,
                        destructive: true,
                        onSelect: () => deleting.show(price),
                      },
                    ]}
                  />
                )}
              </TableCell>
            </TableRow>
          )}
        />
      </ResourceStates>

      <ModelPriceDialog
        open={editing.open}
        onOpenChange={editing.setOpen}
        price={editing.subject}
        onSaved={(saved, created) => {
          rows.upsert(saved);
          editing.setOpen(false);
          toast.success(t(created ? "modelPrices.created" : "modelPrices.updated", { model: saved.model }));
        }}
      />
      <ConfirmDialog
        open={deleting.open}
        onOpenChange={deleting.setOpen}
        destructive
        title={t("modelPrices.deleteTitle", { model: deleting.subject?.model ?? "" })}
        description={t("modelPrices.deleteText")}
        confirmLabel={t("common.delete")}
        busyLabel={t("common.deleting")}
        onConfirm={async () => {
          const price = deleting.subject;
          if (!price) return;
          await deleteModelPrice(price.id);
          rows.remove(price.id);
          deleting.setOpen(false);
          toast.success(t("modelPrices.deleted", { model: price.model }));
        }}
      />
    </div>
  );
}

const SKELETON_CELLS: readonly SkeletonCell[] = [
  { bars: ["h-4 w-40"] },
  { bars: ["ml-auto h-4 w-14"] },
  { className: "hidden sm:table-cell", bars: ["ml-auto h-4 w-14"] },
  { className: "hidden lg:table-cell", bars: ["ml-auto h-4 w-14"] },
  { className: "hidden lg:table-cell", bars: ["ml-auto h-4 w-14"] },
  {},
];
