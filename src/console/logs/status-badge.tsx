"use client";

import type { LogSummary } from "@/contracts/logs";
import { isSuccessClass } from "@/core/vocabulary/status-classes";
import { Badge } from "@/components/ui/badge";

/** The status the client got, coloured by class, with the error code when there is one. */
export function StatusBadge({ log }: { log: Pick<LogSummary, "status" | "statusClass" | "errorCode"> }) {
  const variant = isSuccessClass(log.statusClass)
    ? "success"
    : log.statusClass === "4xx"
      ? "warning"
      : "destructive";
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <Badge variant={variant} className="tabular-nums">
        {log.status || "—"}
      </Badge>
      {log.errorCode && <span className="font-mono text-[11px] text-muted-foreground">{log.errorCode}</span>}
    </span>
  );
}
