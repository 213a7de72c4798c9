/**
 * Alert channel types and the settings fields of each. This table is where a channel type is defined:
 * the admin API contract (create, update and masked view schemas), the stored split of secrets, the
 * console's channel form and the database column all derive from it. Adding a channel type: see
 * `src/alerts/README.md`.
 */

/** SMTP connection security: implicit TLS (465), STARTTLS required, or plain (local relays only). */
export const SMTP_SECURITY_MODES = ["tls", "starttls", "none"] as const;
export type SmtpSecurityMode = (typeof SMTP_SECURITY_MODES)[number];

/** Feishu/Lark message shapes: plain text or an interactive card. */
export const FEISHU_MESSAGE_TYPES = ["text", "interactive"] as const;
export type FeishuMessageType = (typeof FEISHU_MESSAGE_TYPES)[number];

/**
 * One settings field of a channel type, by kind. Every kind fixes the field's validation, whether it is
 * a secret (sealed at rest, write-only in the API: never shown back), how the API shows it, and the
 * console input it gets:
 * - `secretUrl`: required http(s) URL; shown masked as `{name}Masked`.
 * - `secret`: optional text (null = none); shown as `has{Name}`.
 * - `host`: required host name or IP address.
 * - `port`: TCP port, `default` when absent.
 * - `choice`: one of `options`, `default` when absent.
 * - `optionalText`: optional short text (null = none).
 * - `email`: one e-mail address.
 * - `emailList`: one or more e-mail addresses.
 */
export type ChannelFieldSpec =
  | { readonly kind: "secretUrl" }
  | { readonly kind: "secret" }
  | { readonly kind: "host" }
  | { readonly kind: "port"; readonly default: number }
  | { readonly kind: "choice"; readonly options: readonly [string, ...string[]]; readonly default: string }
  | { readonly kind: "optionalText" }
  | { readonly kind: "email" }
  | { readonly kind: "emailList" };

export type ChannelFieldKind = ChannelFieldSpec["kind"];

/** A channel type's fields, in the order the form shows them. */
export type ChannelFieldSpecs = Readonly<Record<string, ChannelFieldSpec>>;

/** A `choice` field whose default is checked against its options. */
function choice<const O extends readonly [string, ...string[]]>(options: O, fallback: O[number]) {
  return { kind: "choice", options, default: fallback } as const;
}

/** URL and optional signing secret: the robots' and the generic webhook's settings. */
const SIGNED_URL = { url: { kind: "secretUrl" }, secret: { kind: "secret" } } as const;

/**
 * Every alert channel type and its settings. A field name means the same thing (same spec) in every
 * type that has it: the console keeps one value per name while the type is switched.
 */
export const ALERT_CHANNEL_FIELDS = {
  webhook: SIGNED_URL,
  email: {
    host: { kind: "host" },
    port: { kind: "port", default: 587 },
    security: choice(SMTP_SECURITY_MODES, "starttls"),
    username: { kind: "optionalText" },
    password: { kind: "secret" },
    from: { kind: "email" },
    to: { kind: "emailList" },
  },
  dingtalk: SIGNED_URL,
  feishu: { ...SIGNED_URL, messageType: choice(FEISHU_MESSAGE_TYPES, "interactive") },
} as const satisfies Record<string, ChannelFieldSpecs>;

type ChannelFields = typeof ALERT_CHANNEL_FIELDS;
export type AlertChannelType = keyof ChannelFields;

/** Every channel type, in table order. */
export const ALERT_CHANNEL_TYPES = Object.keys(ALERT_CHANNEL_FIELDS) as [
  AlertChannelType,
  ...AlertChannelType[],
];

/** The fields of one channel type. */
export type ChannelFieldsOf<T extends AlertChannelType> = ChannelFields[T];

/** Every field name of any channel type. */
export type ChannelFieldName = { [T in AlertChannelType]: keyof ChannelFields[T] & string }[AlertChannelType];

/** The spec of a field name (the same in every type that has it). */
export type ChannelFieldSpecOf<N extends ChannelFieldName> = {
  [T in AlertChannelType]: N extends keyof ChannelFields[T] ? ChannelFields[T][N] : never;
}[AlertChannelType];

/** The field names of a given kind. */
export type ChannelFieldNameOfKind<K extends ChannelFieldKind> = {
  [N in ChannelFieldName]: ChannelFieldSpecOf<N> extends { readonly kind: K } ? N : never;
}[ChannelFieldName];

/** The options of a `choice` field. */
export type ChannelChoiceOption<N extends ChannelFieldNameOfKind<"choice">> =
  ChannelFieldSpecOf<N> extends { readonly options: readonly (infer O extends string)[] } ? O : never;

/** The fields of `type` as `[name, spec]` pairs, in table order. */
export function listChannelFields(type: AlertChannelType): [ChannelFieldName, ChannelFieldSpec][] {
  return Object.entries(ALERT_CHANNEL_FIELDS[type]) as [ChannelFieldName, ChannelFieldSpec][];
}

/** Where the API's masked view shows a secret field: `urlMasked` for a URL, `hasSecret` for a secret. */
export function channelViewKey(name: string, spec: ChannelFieldSpec): string {
  if (spec.kind === "secretUrl") return `${name}Masked`;
  if (spec.kind === "secret") return `has${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  return name;
}

/** True for the kinds that are sealed at rest and never shown back. */
export function isSecretKind(kind: ChannelFieldKind): boolean {
  return kind === "secretUrl" || kind === "secret";
}
