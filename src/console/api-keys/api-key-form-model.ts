import { z } from "zod";
import type { ApiKey, ApiKeyCreateInput, ApiKeyUpdateInput } from "@/contracts/api-keys";
import { nameSchema } from "@/contracts/common";
import { CAPTURE_MODES, type CaptureMode } from "@/core/vocabulary/capture";
import type { Translate } from "@/i18n/types";
import { localizeCommonIssue } from "../forms/localize-issue";
import {
  formatModelList,
  localizeModelIssue,
  modelListTextSchema,
  parseModelList,
  sameModelList,
} from "../forms/model-fields";
import type { FormIssue } from "../forms/zod-form-resolver";

/** The value of the scope select meaning "every group". */
export const GLOBAL_SCOPE = "global";

/** The value of the capture select meaning "as the group says" (`capture: null`). */
export const GROUP_CAPTURE = "group";
/** The capture select's choices: the group's mode, or one of the modes overriding it. */
export const KEY_CAPTURE_CHOICES = [GROUP_CAPTURE, ...CAPTURE_MODES] as const;
export type KeyCaptureChoice = (typeof KEY_CAPTURE_CHOICES)[number];

/** What the key dialog edits: limits as typed text (empty = no limit), expiry as a local date. */
export interface ApiKeyFormValues {
  name: string;
  scope: string;
  rateLimitPerMinute: string;
  maxConcurrency: string;
  /** `YYYY-MM-DD` (the key expires at the end of that local day) or empty. */
  expiresOn: string;
  note: string;
  enabled: boolean;
  /** Quota limits as typed text (empty = unlimited); cost in USD. */
  quotaRequestsPerDay: string;
  quotaTokensPerDay: string;
  quotaTokensPerMonth: string;
  quotaCostPerMonthUsd: string;
  /** The capture override, or `group` for none. */
  capture: KeyCaptureChoice;
  /** Models the key may call, one name or glob per line; empty = every model. */
  allowedModels: string;
}

const optionalLimit = (max: number) =>
  z
    .string()
    .refine(
      (text) => text.trim() === "" || (/^\d+$/.test(text.trim()) && Number(text) >= 1 && Number(text) <= max),
      {
        params: { rule: "limit", max },
      },
    );

/** The dialog's schema: the contract's name rule and ranges. */
export const apiKeyFormSchema = z.object({
  name: nameSchema,
  scope: z.string().min(1),
  rateLimitPerMinute: optionalLimit(1_000_000),
  maxConcurrency: optionalLimit(100_000),
  expiresOn: z.string().refine((text) => text === "" || !Number.isNaN(Date.parse(`${text}T23:59:59`)), {
    params: { rule: "date" },
  }),
  note: z.string().max(2000),
  enabled: z.boolean(),
  quotaRequestsPerDay: optionalLimit(1_000_000_000_000),
  quotaTokensPerDay: optionalLimit(1_000_000_000_000),
  quotaTokensPerMonth: optionalLimit(1_000_000_000_000),
  quotaCostPerMonthUsd: z
    .string()
    .refine((text) => text.trim() === "" || /^\d{1,9}(\.\d{1,6})?$/.test(text.trim()), {
      params: { rule: "usd" },
    }),
  capture: z.enum(KEY_CAPTURE_CHOICES),
  allowedModels: modelListTextSchema,
});

/** Values for a new key. */
export function emptyApiKeyForm(): ApiKeyFormValues {
  return {
    name: "",
    scope: GLOBAL_SCOPE,
    rateLimitPerMinute: "",
    maxConcurrency: "",
    expiresOn: "",
    note: "",
    enabled: true,
    quotaRequestsPerDay: "",
    quotaTokensPerDay: "",
    quotaTokensPerMonth: "",
    quotaCostPerMonthUsd: "",
    capture: GROUP_CAPTURE,
    allowedModels: "",
  };
}

/** Values showing an existing key. */
export function apiKeyToFormValues(key: ApiKey): ApiKeyFormValues {
  return {
    name: key.name,
    scope: key.groupId ?? GLOBAL_SCOPE,
    rateLimitPerMinute: key.rateLimitPerMinute === null ? "" : String(key.rateLimitPerMinute),
    maxConcurrency: key.maxConcurrency === null ? "" : String(key.maxConcurrency),
    expiresOn: key.expiresAt ? toLocalDate(key.expiresAt) : "",
    note: key.note,
    enabled: key.enabled,
    quotaRequestsPerDay: text(key.quota?.requestsPerDay),
    quotaTokensPerDay: text(key.quota?.tokensPerDay),
    quotaTokensPerMonth: text(key.quota?.tokensPerMonth),
    quotaCostPerMonthUsd: text(key.quota?.costPerMonthUsd),
    capture: key.capture ?? GROUP_CAPTURE,
    allowedModels: formatModelList(key.allowedModels),
  };
}

const text = (value: number | null | undefined) =>
  value === null || value === undefined ? "" : String(value);

/** `YYYY-MM-DD` of an ISO instant in the browser's time zone. */
export function toLocalDate(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The end of a local day (`YYYY-MM-DD`) as an ISO instant; null for an empty field. */
export function endOfLocalDay(text: string): string | null {
  if (text === "") return null;
  const date = new Date(`${text}T23:59:59.999`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const limit = (text: string) => (text.trim() === "" ? null : Number(text.trim()));

/** The POST body for a new key. */
export function toCreatePayload(values: ApiKeyFormValues): ApiKeyCreateInput {
  return {
    name: values.name.trim(),
    groupId: values.scope === GLOBAL_SCOPE ? null : values.scope,
    rateLimitPerMinute: limit(values.rateLimitPerMinute),
    maxConcurrency: limit(values.maxConcurrency),
    expiresAt: endOfLocalDay(values.expiresOn),
    enabled: values.enabled,
    note: values.note,
    quota: toQuota(values),
    capture: captureOf(values.capture),
    allowedModels: parseModelList(values.allowedModels),
  };
}

function captureOf(choice: KeyCaptureChoice): CaptureMode | null {
  return choice === GROUP_CAPTURE ? null : choice;
}

/** The quota object of the form, or null when every field is empty (no quota). */
function toQuota(values: ApiKeyFormValues): ApiKey["quota"] {
  const quota = {
    requestsPerDay: limit(values.quotaRequestsPerDay),
    tokensPerDay: limit(values.quotaTokensPerDay),
    tokensPerMonth: limit(values.quotaTokensPerMonth),
    costPerMonthUsd: limit(values.quotaCostPerMonthUsd),
  };
  return Object.values(quota).every((v) => v === null) ? null : quota;
}

/** Two quotas are the same when every limit is (absent and null alike). */
function sameQuota(a: ApiKey["quota"], b: ApiKey["quota"]): boolean {
  const fields = ["requestsPerDay", "tokensPerDay", "tokensPerMonth", "costPerMonthUsd"] as const;
  return fields.every((f) => (a?.[f] ?? null) === (b?.[f] ?? null));
}

/** The PUT body for an edit: only the fields that changed. */
export function toUpdatePayload(values: ApiKeyFormValues, key: ApiKey): ApiKeyUpdateInput {
  const next = toCreatePayload(values);
  const update: ApiKeyUpdateInput = {};
  if (next.name !== key.name) update.name = next.name;
  if ((next.groupId ?? null) !== key.groupId) update.groupId = next.groupId;
  if ((next.rateLimitPerMinute ?? null) !== key.rateLimitPerMinute)
    update.rateLimitPerMinute = next.rateLimitPerMinute;
  if ((next.maxConcurrency ?? null) !== key.maxConcurrency) update.maxConcurrency = next.maxConcurrency;
  // Compared by local day, so an untouched expiry is not rewritten to the end of its day.
  if (values.expiresOn !== (key.expiresAt ? toLocalDate(key.expiresAt) : ""))
    update.expiresAt = next.expiresAt;
  if (next.enabled !== key.enabled) update.enabled = next.enabled;
  if (next.note !== key.note) update.note = next.note;
  if (!sameQuota(next.quota ?? null, key.quota)) update.quota = next.quota;
  if ((next.capture ?? null) !== key.capture) update.capture = next.capture;
  if (!sameModelList(next.allowedModels ?? [], key.allowedModels)) update.allowedModels = next.allowedModels;
  return update;
}

/** The message under a key field, in the reader's language. */
export function localizeApiKeyIssue(t: Translate, issue: FormIssue): string | undefined {
  if (issue.code === "custom") {
    const params = (issue.params ?? {}) as { rule?: string; max?: number };
    if (params.rule === "limit") return t("apiKeys.limitInvalid", { max: params.max ?? 0 });
    if (params.rule === "date") return t("apiKeys.dateInvalid");
    if (params.rule === "usd") return t("apiKeys.usdInvalid");
  }
  return localizeModelIssue(t, issue) ?? localizeCommonIssue(t, issue);
}
