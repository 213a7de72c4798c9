"use client";

import { cn } from "@/components/ui/cn";
import { useT } from "@/i18n/i18n-provider";
import { usedPercent } from "./quota-form-model";

/**
 * One figure of a usage window: the amount used and, when a quota limits it, a bar of the share used
 * (amber from 80 %, red when reached). Without a limit it says so instead of drawing a bar.
 */
export function UsageBar({
  label,
  used,
  limit,
  format,
  testId,
}: {
  label: string;
  used: number;
  limit: number | null | undefined;
  format: (value: number) => string;
  testId?: string;
}) {
  const t = useT();
  const percent = usedPercent(used, limit);
  return (
    <div className="flex flex-col gap-1.5" data-testid={testId}>
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span className="font-medium">{label}</span>
        <span className="text-muted-foreground tabular-nums">
          <span className="font-medium text-foreground" data-testid={testId ? `${testId}-used` : undefined}>
            {format(used)}
          </span>
          {limit !== null && limit !== undefined ? ` / ${format(limit)}` : ` · ${t("quotas.noLimit")}`}
        </span>
      </div>
      {percent !== null && (
        <div
          role="progressbar"
          aria-label={t("quotas.usedOf", { label })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(percent)}
          className="h-2 overflow-hidden rounded-full bg-muted"
        >
          <div
            className={cn(
              "h-full rounded-full transition-[width]",
              percent >= 100 ? "bg-destructive" : percent >= 80 ? "bg-amber-500" : "bg-primary",
            )}
            style={{ width: `${percent}%` }}
          />
        </div>
      )}
    </div>
  );
}
