"use client";

import type { ReactNode } from "react";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";

export interface HeaderRadioMenuProps {
  /** The button that opens the menu (rendered as the trigger itself). */
  trigger: ReactNode;
  /** The menu's heading. */
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  /** One `DropdownMenuRadioItem` per choice. */
  children: ReactNode;
}

/** A header menu of choices of which one is current (language, theme). */
export function HeaderRadioMenu({ trigger, label, value, onValueChange, children }: HeaderRadioMenuProps) {
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>{trigger}</DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-40">
        <DropdownMenuLabel className="text-xs text-muted-foreground">{label}</DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuRadioGroup value={value} onValueChange={onValueChange}>
          {children}
        </DropdownMenuRadioGroup>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
