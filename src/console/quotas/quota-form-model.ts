import { z } from "zod";
import { quotaSchema, type Quota } from "@/contracts/quota";
import type { Translate } from "@/i18n/types";
import { localizeCommonIssue } from "../forms/localize-issue";
import type { FormIssue } from "../forms/zod-form-resolver";

/** The limits of a quota, in the contract's order. */
export const QUOTA_METRICS = quotaSchema.keyof().options;
export type QuotaMetric = (typeof QUOTA_METRICS)[number];

/** The quota form: one text field per limit (empty = unlimited); cost in USD. */
export type QuotaFormValues = Record<QuotaMetric, string>;

const MAX_COUNT = 1_000_000_000_000;
const COUNT = /^\d+$/;
// At most nine digits before the point and six after (micro-dollars), as the API accepts.
const USD = /^\d{1,9}(\.\d{1,6})?$/;

const countField = z.string().refine(
  (text) => {
    const value = text.trim();
    return value === "" || (COUNT.test(value) && Number(value) >= 1 && Number(value) <= MAX_COUNT);
  },
  { params: { rule: "count" } },
);

/** Validates the typed limits (whole counts, USD with at most six decimals). */
export const quotaFormSchema = z.object({
  requestsPerDay: countField,
  tokensPerDay: countField,
  tokensPerMonth: countField,
  costPerMonthUsd: z
    .string()
    .refine((text) => text.trim() === "" || USD.test(text.trim()), { params: { rule: "usd" } }),
});

/** The form's values for a quota (null = every field empty). */
export function quotaToFormValues(
  quota: Quota | Record<string, number | null> | null | undefined,
): QuotaFormValues {
  const text = (metric: QuotaMetric) => {
    const value = quota?.[metric];
    return value === null || value === undefined ? "" : String(value);
  };
  return {
    requestsPerDay: text("requestsPerDay"),
    tokensPerDay: text("tokensPerDay"),
    tokensPerMonth: text("tokensPerMonth"),
    costPerMonthUsd: text("costPerMonthUsd"),
  };
}

/** The quota object to send: every limit (null = unlimited), or null when none is set. */
export function formValuesToQuota(values: QuotaFormValues): Quota | null {
  const quota: Quota = {};
  for (const metric of QUOTA_METRICS) {
    const text = values[metric].trim();
    quota[metric] = text === "" ? null : Number(text);
  }
  return QUOTA_METRICS.every((metric) => quota[metric] === null) ? null : quota;
}

/** The message under a quota field, in the reader's language. */
export function localizeQuotaIssue(t: Translate, issue: FormIssue): string | undefined {
  if (issue.code === "custom") {
    const rule = (issue.params as { rule?: string } | undefined)?.rule;
    if (rule === "count") return t("quotas.countInvalid");
    if (rule === "usd") return t("quotas.usdInvalid");
  }
  return localizeCommonIssue(t, issue);
}

/** Share of a limit used, 0–100 (capped; a request that started under the quota may end above it). */
export function usedPercent(used: number, limit: number | null | undefined): number | null {
  if (limit === null || limit === undefined) return null;
  if (limit <= 0) return 100;
  return Math.min(100, (used / limit) * 100);
}
