"use client";

import type { AlertRule } from "@/contracts/alerts";
import { Badge } from "@/components/ui/badge";
import { useT } from "@/i18n/i18n-provider";

const VARIANTS = { info: "secondary", warning: "warning", critical: "destructive" } as const;

/** info / warning / critical. */
export function SeverityBadge({ severity }: { severity: AlertRule["severity"] }) {
  const t = useT();
  return <Badge variant={VARIANTS[severity]}>{t(`alerts.severity_${severity}`)}</Badge>;
}
