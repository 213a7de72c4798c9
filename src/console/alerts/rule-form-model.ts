/**
 * The alert rule form: string-valued form state, which fields each rule type uses, the payload sent
 * to the API, and the form schema (the contract's rules, problems put back on the form's fields).
 * Pure: no React, no I/O.
 */
import { z } from "zod";
import {
  alertRuleCreateSchema,
  type AlertConditionInput,
  type AlertRule,
  type AlertRuleCreateInput,
} from "@/contracts/alerts";
import {
  ALERT_RULE_TYPES,
  ALERT_SEVERITIES,
  DEFAULT_ALERT_SEVERITY,
  DEFAULT_WATCHED_PROVIDER_STATES,
  WATCHED_PROVIDER_STATES,
  type AlertRuleType,
  type AlertSeverity,
  type WatchedProviderState,
} from "@/core/vocabulary/alerts";
import { reportContractIssues, reportMissingValues, type FormFieldTarget } from "../forms/contract-issues";

const MINUTE = 60_000;

export interface RuleFormValues {
  name: string;
  description: string;
  enabled: boolean;
  severity: AlertSeverity;
  type: AlertRuleType;
  /** Empty = every provider. */
  providerIds: string[];
  states: WatchedProviderState[];
  groupId: string;
  minSuccessRatePercent: string;
  maxP95LatencyMs: string;
  windowMinutes: string;
  minRequests: string;
  minDropped: string;
  /** `quota_used`: the watched key's id, or TENANT_QUOTA for the tenant's quota. */
  quotaKeyId: string;
  minUsedPercent: string;
  forMinutes: string;
  cooldownMinutes: string;
  channelIds: string[];
}

export type RuleField = keyof RuleFormValues;

/** The number inputs, typed as text. */
export type RuleNumberField =
  | "minSuccessRatePercent"
  | "maxP95LatencyMs"
  | "windowMinutes"
  | "minRequests"
  | "minDropped"
  | "minUsedPercent"
  | "forMinutes"
  | "cooldownMinutes";

/** The number fields only some rule types have, in the order the form shows them. */
const CONDITION_NUMBERS: Record<AlertRuleType, readonly RuleNumberField[]> = {
  provider_unhealthy: [],
  group_success_rate: ["minSuccessRatePercent", "windowMinutes", "minRequests"],
  group_latency_p95: ["maxP95LatencyMs", "windowMinutes", "minRequests"],
  group_all_down: [],
  log_rows_dropped: ["minDropped", "windowMinutes"],
  quota_used: ["minUsedPercent"],
};

/** The `quotaKeyId` choice that watches the tenant's quota instead of one key's. */
export const TENANT_QUOTA = "tenant";

/** The number fields a rule of this type shows, in order (every type has hold and cooldown). */
export function listRuleNumberFields(type: AlertRuleType): RuleNumberField[] {
  return [...CONDITION_NUMBERS[type], "forMinutes", "cooldownMinutes"];
}

/** Whether a rule of this type watches one group. */
export function isGroupRule(type: AlertRuleType): boolean {
  return type === "group_success_rate" || type === "group_latency_p95" || type === "group_all_down";
}

/** A blank rule of the most common type. */
export function emptyRuleForm(): RuleFormValues {
  return {
    name: "",
    description: "",
    enabled: true,
    severity: DEFAULT_ALERT_SEVERITY,
    type: "provider_unhealthy",
    providerIds: [],
    states: [...DEFAULT_WATCHED_PROVIDER_STATES],
    groupId: "",
    minSuccessRatePercent: "95",
    maxP95LatencyMs: "5000",
    windowMinutes: "5",
    minRequests: "20",
    minDropped: "1",
    quotaKeyId: TENANT_QUOTA,
    minUsedPercent: "80",
    forMinutes: "0",
    cooldownMinutes: "5",
    channelIds: [],
  };
}

/** The form state of an existing rule. */
export function ruleToForm(rule: AlertRule): RuleFormValues {
  const base = {
    ...emptyRuleForm(),
    name: rule.name,
    description: rule.description,
    enabled: rule.enabled,
    severity: rule.severity,
    type: rule.condition.type,
    forMinutes: String(rule.forMs / MINUTE),
    cooldownMinutes: String(rule.cooldownMs / MINUTE),
    channelIds: [...rule.channelIds],
  };
  const c = rule.condition;
  switch (c.type) {
    case "provider_unhealthy":
      return { ...base, providerIds: [...(c.providerIds ?? [])], states: [...c.states] };
    case "group_success_rate":
    case "group_latency_p95":
      return {
        ...base,
        groupId: c.groupId,
        windowMinutes: String(c.windowMs / MINUTE),
        minRequests: String(c.minRequests),
        ...(c.type === "group_success_rate"
          ? { minSuccessRatePercent: String(c.minSuccessRatePercent) }
          : { maxP95LatencyMs: String(c.maxP95LatencyMs) }),
      };
    case "group_all_down":
      return { ...base, groupId: c.groupId };
    case "log_rows_dropped":
      return { ...base, windowMinutes: String(c.windowMs / MINUTE), minDropped: String(c.minDropped) };
    case "quota_used":
      return { ...base, quotaKeyId: c.keyId ?? TENANT_QUOTA, minUsedPercent: String(c.minUsedPercent) };
  }
}

/** "12" → 12; blank or not a number → NaN (the schema then reports it). */
export function parseNumberText(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

/** Minutes as whole ms (rounded, so 0.5 min is 30000 exactly). */
function minutes(text: string): number {
  return Math.round(parseNumberText(text) * MINUTE);
}

function conditionOf(v: RuleFormValues): AlertConditionInput {
  const num = parseNumberText;
  switch (v.type) {
    case "provider_unhealthy":
      return { type: v.type, providerIds: v.providerIds.length > 0 ? v.providerIds : null, states: v.states };
    case "group_success_rate":
      return {
        type: v.type,
        groupId: v.groupId,
        minSuccessRatePercent: num(v.minSuccessRatePercent),
        windowMs: minutes(v.windowMinutes),
        minRequests: num(v.minRequests),
      };
    case "group_latency_p95":
      return {
        type: v.type,
        groupId: v.groupId,
        maxP95LatencyMs: num(v.maxP95LatencyMs),
        windowMs: minutes(v.windowMinutes),
        minRequests: num(v.minRequests),
      };
    case "group_all_down":
      return { type: v.type, groupId: v.groupId };
    case "log_rows_dropped":
      return { type: v.type, windowMs: minutes(v.windowMinutes), minDropped: num(v.minDropped) };
    case "quota_used":
      return {
        type: v.type,
        keyId: v.quotaKeyId === TENANT_QUOTA ? null : v.quotaKeyId,
        minUsedPercent: num(v.minUsedPercent),
      };
  }
}

/** The create (and full update) payload of a rule form. */
export function toRulePayload(v: RuleFormValues): AlertRuleCreateInput {
  return {
    name: v.name,
    description: v.description,
    enabled: v.enabled,
    severity: v.severity,
    condition: conditionOf(v),
    forMs: minutes(v.forMinutes),
    cooldownMs: minutes(v.cooldownMinutes),
    channelIds: v.channelIds,
  };
}

const RULE_PATHS: Record<string, FormFieldTarget<RuleField>> = {
  forMs: { field: "forMinutes", scale: MINUTE },
  cooldownMs: { field: "cooldownMinutes", scale: MINUTE },
  "condition.windowMs": { field: "windowMinutes", scale: MINUTE },
  "condition.groupId": { field: "groupId" },
  "condition.providerIds": { field: "providerIds" },
  "condition.states": { field: "states" },
  "condition.minSuccessRatePercent": { field: "minSuccessRatePercent" },
  "condition.maxP95LatencyMs": { field: "maxP95LatencyMs" },
  "condition.minRequests": { field: "minRequests" },
  "condition.minDropped": { field: "minDropped" },
  "condition.keyId": { field: "quotaKeyId" },
  "condition.minUsedPercent": { field: "minUsedPercent" },
};
// No description: the dialog has no input for it, so a problem there is told at the form level.
const TOP_LEVEL_FIELDS: readonly RuleField[] = ["name", "severity", "channelIds"];

/** Where an API / contract issue path (`condition.providerIds[0]`) lands on the rule form. */
export function ruleTargetOf(path: string): FormFieldTarget<RuleField> | undefined {
  const exact = RULE_PATHS[path];
  if (exact) return exact;
  const prefix = Object.keys(RULE_PATHS).find(
    (key) => path.startsWith(`${key}.`) || path.startsWith(`${key}[`),
  );
  if (prefix) return RULE_PATHS[prefix];
  const head = path.split(/[.[]/)[0] ?? "";
  const field = TOP_LEVEL_FIELDS.find((name) => name === head);
  return field ? { field } : undefined;
}

/** The rule form field an API / contract issue path concerns. */
export function ruleFieldOf(path: string): RuleField | undefined {
  return ruleTargetOf(path)?.field;
}

const ruleFormShape = z.object({
  name: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  severity: z.enum(ALERT_SEVERITIES),
  type: z.enum(ALERT_RULE_TYPES),
  providerIds: z.array(z.string()),
  states: z.array(z.enum(WATCHED_PROVIDER_STATES)),
  groupId: z.string(),
  minSuccessRatePercent: z.string(),
  maxP95LatencyMs: z.string(),
  windowMinutes: z.string(),
  minRequests: z.string(),
  minDropped: z.string(),
  quotaKeyId: z.string(),
  minUsedPercent: z.string(),
  forMinutes: z.string(),
  cooldownMinutes: z.string(),
  channelIds: z.array(z.string()),
});

/**
 * The rule dialog's schema: the form values checked with the API's own rule contract (problems on
 * the fields that show them, minute bounds in minutes), giving the payload to send. An unchosen
 * group and a blank number are reported as missing, not as a malformed id or "not a number".
 */
export function createRuleFormSchema() {
  return ruleFormShape
    .superRefine((values, ctx) => {
      const blank: RuleField[] = listRuleNumberFields(values.type).filter(
        (field) => values[field].trim() === "",
      );
      if (isGroupRule(values.type) && values.groupId === "") blank.push("groupId");
      const skip = reportMissingValues(ctx, blank);
      reportContractIssues(ctx, alertRuleCreateSchema, toRulePayload(values), ruleTargetOf, skip);
    })
    .transform(toRulePayload);
}
