"use client";

import type { ProviderHealth } from "@/contracts/health";
import { Badge } from "@/components/ui/badge";
import { useI18n } from "@/i18n/i18n-provider";

const VARIANTS = {
  healthy: "success",
  degraded: "warning",
  unhealthy: "destructive",
  ejected: "destructive",
} as const;

/** healthy / degraded / unhealthy / ejected, coloured (with a dot so colour is not the only cue). */
export function HealthStateBadge({ state }: { state: ProviderHealth["state"] }) {
  const { t } = useI18n();
  return (
    <Badge variant={VARIANTS[state]} data-state={state}>
      <span
        aria-hidden
        className={
          state === "healthy" ? "size-1.5 rounded-full bg-current" : "size-1.5 rounded-[1px] bg-current"
        }
      />
      {t(`health.state_${state}`)}
    </Badge>
  );
}

/** "4:59" until `until` (ms), or null once it has passed. */
export function formatCountdown(until: number, now: number): string | null {
  const left = Math.ceil((until - now) / 1000);
  if (left <= 0) return null;
  const hours = Math.floor(left / 3600);
  const minutes = Math.floor((left % 3600) / 60);
  const seconds = left % 60;
  const pad = (value: number) => String(value).padStart(2, "0");
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}
