"use client";

import { Fragment } from "react";
import type { LucideIcon } from "lucide-react";
import { EllipsisIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { useT } from "@/i18n/i18n-provider";

export interface RowAction {
  readonly label: string;
  readonly icon: LucideIcon;
  readonly onSelect: () => void;
  /** Drawn in red after a separator (delete, revoke). */
  readonly destructive?: boolean;
  readonly disabled?: boolean;
}

/** The "…" menu at the end of a table row. */
export function RowActionsMenu({ actions, label }: { actions: readonly RowAction[]; label?: string }) {
  const t = useT();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon-sm" aria-label={label ?? t("common.moreActions")}>
          <EllipsisIcon />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        {actions.map((action, index) => (
          <Fragment key={action.label}>
            {action.destructive && index > 0 && !actions[index - 1]?.destructive && <DropdownMenuSeparator />}
            <DropdownMenuItem
              variant={action.destructive ? "destructive" : "default"}
              disabled={action.disabled}
              onSelect={action.onSelect}
            >
              <action.icon />
              {action.label}
            </DropdownMenuItem>
          </Fragment>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
