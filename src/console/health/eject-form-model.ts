/**
 * The manual ejection form: the reason and a duration chosen from a list, checked with the API's
 * eject contract. Pure: no React, no I/O.
 */
import { z } from "zod";
import { providerEjectSchema, type ProviderEjectInput } from "@/contracts/health";
import type { MessageKey, Translate } from "@/i18n/types";
import { localizeCommonIssue } from "../forms/localize-issue";
import type { FormIssue } from "../forms/zod-form-resolver";

const MINUTE = 60_000;

/** The durations offered, shortest first; "manual" lasts until someone restores the provider. */
export const EJECT_DURATIONS = [
  { value: "5m", ms: 5 * MINUTE, label: "health.duration5m" },
  { value: "15m", ms: 15 * MINUTE, label: "health.duration15m" },
  { value: "1h", ms: 60 * MINUTE, label: "health.duration1h" },
  { value: "6h", ms: 6 * 60 * MINUTE, label: "health.duration6h" },
  { value: "24h", ms: 24 * 60 * MINUTE, label: "health.duration24h" },
  { value: "manual", ms: undefined, label: "health.durationManual" },
] as const satisfies readonly { value: string; ms: number | undefined; label: MessageKey }[];

export type EjectDuration = (typeof EJECT_DURATIONS)[number]["value"];

export interface EjectFormValues {
  reason: string;
  duration: EjectDuration;
}

/** A blank ejection for the usual quarter of an hour. */
export function emptyEjectForm(): EjectFormValues {
  return { reason: "", duration: "15m" };
}

/** The eject dialog's schema: the contract's reason rule; gives the POST body (reason trimmed). */
export function createEjectFormSchema() {
  const durations = EJECT_DURATIONS.map((option) => option.value) as [EjectDuration, ...EjectDuration[]];
  return z
    .object({ reason: providerEjectSchema.shape.reason, duration: z.enum(durations) })
    .transform((values): ProviderEjectInput => ({
      reason: values.reason,
      durationMs: EJECT_DURATIONS.find((option) => option.value === values.duration)?.ms,
    }));
}

/** The message under an eject field: every problem with the reason says what a reason must be. */
export function localizeEjectIssue(t: Translate, issue: FormIssue): string | undefined {
  if (issue.path[0] === "reason") return t("health.reasonRequired");
  return localizeCommonIssue(t, issue);
}
