/**
 * Alert rule and channel forms: string-valued form state, conversion to the API payloads, and
 * validation with the contract schemas (issues mapped back to form fields). Pure: no React, no I/O.
 */
import type { z } from "zod";
import {
  ALERT_RULE_TYPE_NAMES,
  alertChannelCreateSchema,
  alertChannelUpdateSchema,
  alertRuleCreateSchema,
  type AlertChannel,
  type AlertChannelCreateInput,
  type AlertChannelType,
  type AlertChannelUpdateInput,
  type AlertConditionInput,
  type AlertRule,
  type AlertRuleCreateInput,
} from "@/contracts/alerts";

export type AlertRuleType = (typeof ALERT_RULE_TYPE_NAMES)[number];
const MINUTE = 60_000;

export interface RuleFormValues {
  name: string;
  description: string;
  enabled: boolean;
  severity: "info" | "warning" | "critical";
  type: AlertRuleType;
  /** Empty = every provider. */
  providerIds: string[];
  states: ("degraded" | "unhealthy" | "ejected")[];
  groupId: string;
  minSuccessRatePercent: string;
  maxP95LatencyMs: string;
  windowMinutes: string;
  minRequests: string;
  minDropped: string;
  forMinutes: string;
  cooldownMinutes: string;
  channelIds: string[];
}

export type RuleField = keyof RuleFormValues;
/** One problem per field, with what is needed to word it. */
export interface FieldIssue {
  code: string;
  message: string;
  /** What the bound applies to: "string", "number", "array"... */
  origin?: string;
  minimum?: number;
  maximum?: number;
}
export type FieldErrors<F extends string> = Partial<Record<F, FieldIssue>>;

/** A blank rule of the most common type. */
export function emptyRuleForm(): RuleFormValues {
  return {
    name: "",
    description: "",
    enabled: true,
    severity: "warning",
    type: "provider_unhealthy",
    providerIds: [],
    states: ["unhealthy", "ejected"],
    groupId: "",
    minSuccessRatePercent: "95",
    maxP95LatencyMs: "5000",
    windowMinutes: "5",
    minRequests: "20",
    minDropped: "1",
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
    channelIds: rule.channelIds,
  };
  const c = rule.condition;
  switch (c.type) {
    case "provider_unhealthy":
      return { ...base, providerIds: c.providerIds ?? [], states: c.states };
    case "group_success_rate":
      return {
        ...base,
        groupId: c.groupId,
        minSuccessRatePercent: String(c.minSuccessRatePercent),
        windowMinutes: String(c.windowMs / MINUTE),
        minRequests: String(c.minRequests),
      };
    case "group_latency_p95":
      return {
        ...base,
        groupId: c.groupId,
        maxP95LatencyMs: String(c.maxP95LatencyMs),
        windowMinutes: String(c.windowMs / MINUTE),
        minRequests: String(c.minRequests),
      };
    case "group_all_down":
      return { ...base, groupId: c.groupId };
    case "log_rows_dropped":
      return { ...base, windowMinutes: String(c.windowMs / MINUTE), minDropped: String(c.minDropped) };
  }
}

/** "12" → 12; blank or not a number → NaN (the schema then reports it). */
function num(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

/** Minutes as whole ms (rounded, so 0.5 min is 30000 exactly). */
function minutes(text: string): number {
  return Math.round(num(text) * MINUTE);
}

function conditionOf(v: RuleFormValues): AlertConditionInput {
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

const RULE_PATHS: Record<string, RuleField> = {
  forMs: "forMinutes",
  cooldownMs: "cooldownMinutes",
  "condition.windowMs": "windowMinutes",
  "condition.groupId": "groupId",
  "condition.providerIds": "providerIds",
  "condition.states": "states",
  "condition.minSuccessRatePercent": "minSuccessRatePercent",
  "condition.maxP95LatencyMs": "maxP95LatencyMs",
  "condition.minRequests": "minRequests",
  "condition.minDropped": "minDropped",
};

/** Maps an API / schema issue path to the rule form field it concerns. */
export function ruleFieldOf(path: string): RuleField | undefined {
  const head = path.split(/[.[]/)[0] ?? "";
  if (RULE_PATHS[path]) return RULE_PATHS[path];
  const prefix = Object.keys(RULE_PATHS).find(
    (key) => path.startsWith(`${key}.`) || path.startsWith(`${key}[`),
  );
  if (prefix) return RULE_PATHS[prefix];
  return ["name", "description", "severity", "channelIds"].includes(head) ? (head as RuleField) : undefined;
}

function collect<F extends string>(
  issues: readonly z.core.$ZodIssue[],
  fieldOf: (path: string) => F | undefined,
): FieldErrors<F> {
  const errors: FieldErrors<F> = {};
  for (const issue of issues) {
    const field = fieldOf(issue.path.map(String).join("."));
    if (!field || errors[field]) continue;
    const bounds = issue as { minimum?: number | bigint; maximum?: number | bigint; origin?: string };
    errors[field] = {
      code: issue.code,
      message: issue.message,
      origin: bounds.origin,
      minimum: bounds.minimum === undefined ? undefined : Number(bounds.minimum),
      maximum: bounds.maximum === undefined ? undefined : Number(bounds.maximum),
    };
  }
  return errors;
}

/** Validates a rule form against the contract: the payload, or the errors per field. */
export function validateRuleForm(
  v: RuleFormValues,
): { ok: true; payload: AlertRuleCreateInput } | { ok: false; errors: FieldErrors<RuleField> } {
  const payload = toRulePayload(v);
  const parsed = alertRuleCreateSchema.safeParse(payload);
  if (parsed.success) return { ok: true, payload };
  const errors = collect(parsed.error.issues, ruleFieldOf);
  // An unchosen group is a missing value, not a malformed id.
  if (errors.groupId && v.groupId === "") errors.groupId = { code: "required", message: "required" };
  return { ok: false, errors };
}

// --- channels

export interface ChannelFormValues {
  name: string;
  enabled: boolean;
  type: AlertChannelType;
  /** Write-only on edit: blank keeps the stored URL. */
  url: string;
  /** Write-only: blank keeps (on edit) or means none (on create). */
  secret: string;
  clearSecret: boolean;
  messageType: "text" | "interactive";
  host: string;
  port: string;
  security: "tls" | "starttls" | "none";
  username: string;
  password: string;
  clearPassword: boolean;
  from: string;
  /** Recipients, separated by commas, spaces or lines. */
  to: string;
}
export type ChannelField = keyof ChannelFormValues;

/** A blank webhook channel. */
export function emptyChannelForm(): ChannelFormValues {
  return {
    name: "",
    enabled: true,
    type: "webhook",
    url: "",
    secret: "",
    clearSecret: false,
    messageType: "interactive",
    host: "",
    port: "587",
    security: "starttls",
    username: "",
    password: "",
    clearPassword: false,
    from: "",
    to: "",
  };
}

/** The form state of an existing channel (secrets and URLs stay blank: they are write-only). */
export function channelToForm(channel: AlertChannel): ChannelFormValues {
  const base = { ...emptyChannelForm(), name: channel.name, enabled: channel.enabled, type: channel.type };
  const c = channel.config;
  if (c.type === "email") {
    return {
      ...base,
      host: c.host,
      port: String(c.port),
      security: c.security,
      username: c.username ?? "",
      from: c.from,
      to: c.to.join(", "),
    };
  }
  if (c.type === "feishu") return { ...base, messageType: c.messageType };
  return base;
}

function recipients(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}

/** A write-only value: blank keeps it on edit (undefined), is none on create (null). */
function writeOnly(text: string, clear: boolean, editing: boolean): string | null | undefined {
  if (clear) return null;
  if (text !== "") return text;
  return editing ? undefined : null;
}

/** The create payload of a channel form. */
export function toChannelCreatePayload(v: ChannelFormValues): AlertChannelCreateInput {
  return {
    name: v.name,
    enabled: v.enabled,
    config: channelConfig(v, false) as AlertChannelCreateInput["config"],
  };
}

/** The update payload of a channel form (blank write-only fields keep their stored values). */
export function toChannelUpdatePayload(v: ChannelFormValues): AlertChannelUpdateInput {
  return {
    name: v.name,
    enabled: v.enabled,
    config: channelConfig(v, true) as AlertChannelUpdateInput["config"],
  };
}

function channelConfig(v: ChannelFormValues, editing: boolean): Record<string, unknown> {
  const url = v.url.trim() === "" && editing ? undefined : v.url.trim();
  const secret = writeOnly(v.secret, v.clearSecret, editing);
  switch (v.type) {
    case "webhook":
    case "dingtalk":
      return dropUndefined({ type: v.type, url, secret });
    case "feishu":
      return dropUndefined({ type: v.type, url, secret, messageType: v.messageType });
    case "email":
      return dropUndefined({
        type: v.type,
        host: v.host.trim(),
        port: num(v.port),
        security: v.security,
        username: v.username.trim() === "" ? null : v.username.trim(),
        password: writeOnly(v.password, v.clearPassword, editing),
        from: v.from.trim(),
        to: recipients(v.to),
      });
  }
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** Maps an API / schema issue path to the channel form field it concerns. */
export function channelFieldOf(path: string): ChannelField | undefined {
  const parts = path.split(/[.[]/);
  const head = parts[0] === "config" ? parts[1] : parts[0];
  const fields: ChannelField[] = [
    "name",
    "url",
    "secret",
    "host",
    "port",
    "security",
    "username",
    "password",
    "from",
    "to",
    "messageType",
  ];
  return fields.find((field) => field === head);
}

/** Validates a channel form against the contract: the payload, or the errors per field. */
export function validateChannelForm(
  v: ChannelFormValues,
  editing: boolean,
):
  | { ok: true; payload: AlertChannelCreateInput | AlertChannelUpdateInput }
  | { ok: false; errors: FieldErrors<ChannelField> } {
  if (editing) {
    const payload = toChannelUpdatePayload(v);
    const parsed = alertChannelUpdateSchema.safeParse(payload);
    return parsed.success
      ? { ok: true, payload }
      : { ok: false, errors: collect(parsed.error.issues, channelFieldOf) };
  }
  const payload = toChannelCreatePayload(v);
  const parsed = alertChannelCreateSchema.safeParse(payload);
  return parsed.success
    ? { ok: true, payload }
    : { ok: false, errors: collect(parsed.error.issues, channelFieldOf) };
}
