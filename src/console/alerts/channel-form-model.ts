/**
 * The notification channel form: string-valued form state, the create / update payloads (secrets
 * and URLs are write-only) and the form schema (the contract's rules on the form's fields).
 * Pure: no React, no I/O.
 */
import { z } from "zod";
import {
  ALERT_CHANNEL_TYPE_NAMES,
  SMTP_SECURITY_MODES,
  alertChannelCreateSchema,
  alertChannelUpdateSchema,
  type AlertChannel,
  type AlertChannelCreateInput,
  type AlertChannelType,
  type AlertChannelUpdateInput,
} from "@/contracts/alerts";
import { reportContractIssues, reportMissingValues } from "../forms/contract-issues";
import { parseNumberText } from "./rule-form-model";

export const FEISHU_MESSAGE_TYPES = ["interactive", "text"] as const;

export interface ChannelFormValues {
  name: string;
  enabled: boolean;
  type: AlertChannelType;
  /** Write-only on edit: blank keeps the stored URL. */
  url: string;
  /** Write-only: blank keeps (on edit) or means none (on create). */
  secret: string;
  clearSecret: boolean;
  messageType: (typeof FEISHU_MESSAGE_TYPES)[number];
  host: string;
  port: string;
  security: (typeof SMTP_SECURITY_MODES)[number];
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
        port: parseNumberText(v.port),
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

const CONFIG_FIELDS: readonly ChannelField[] = [
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

/** The channel form field an API / contract issue path (`config.to[1]`) concerns. */
export function channelFieldOf(path: string): ChannelField | undefined {
  const [head, next] = path.split(/[.[]/);
  if (head === "name") return "name";
  return head === "config" ? CONFIG_FIELDS.find((field) => field === next) : undefined;
}

const channelFormShape = z.object({
  name: z.string(),
  enabled: z.boolean(),
  type: z.enum(ALERT_CHANNEL_TYPE_NAMES),
  url: z.string(),
  secret: z.string(),
  clearSecret: z.boolean(),
  messageType: z.enum(FEISHU_MESSAGE_TYPES),
  host: z.string(),
  port: z.string(),
  security: z.enum(SMTP_SECURITY_MODES),
  username: z.string(),
  password: z.string(),
  clearPassword: z.boolean(),
  from: z.string(),
  to: z.string(),
});

/**
 * The channel dialog's schema: the payload for a new channel (or an edit of one) checked with the
 * API's channel contract, problems on the fields that show them; gives the payload to send.
 */
export function createChannelFormSchema(editing: boolean) {
  const toPayload = editing ? toChannelUpdatePayload : toChannelCreatePayload;
  const contract = editing ? alertChannelUpdateSchema : alertChannelCreateSchema;
  return channelFormShape
    .superRefine((values, ctx) => {
      const blank = reportMissingValues(
        ctx,
        values.type === "email" && values.port.trim() === "" ? ["port"] : [],
      );
      const target = (path: string) => {
        const field = channelFieldOf(path);
        return field ? { field } : undefined;
      };
      reportContractIssues(ctx, contract, toPayload(values), target, blank);
    })
    .transform((values): AlertChannelCreateInput | AlertChannelUpdateInput => toPayload(values));
}
