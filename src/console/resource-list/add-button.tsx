"use client";

import { PlusIcon } from "lucide-react";
import { Button } from "@/components/ui/button";

/**
 * A list's "add" button, shown in the page header and again as the empty state's action; the page
 * leaves it out for viewers.
 */
export function AddButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button onClick={onClick}>
      <PlusIcon />
      {label}
    </Button>
  );
}
