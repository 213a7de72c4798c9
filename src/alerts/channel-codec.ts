/**
 * How a channel's settings are split for storage: secrets (URL, signing secret, SMTP password) go
 * into one sealed JSON object, everything else into plain `settings`, and masked hints into `display`.
 */
import {
  alertChannelConfigSchema,
  alertChannelViewSchema,
  type AlertChannel,
  type AlertChannelConfig,
  type AlertChannelConfigUpdate,
  type AlertChannelView,
} from "@/contracts/alerts";
import type { AlertChannelRow } from "@/db/schema";
import type { CredentialSealer } from "@/services/service-context";

const SECRET_FIELDS = ["url", "secret", "password"] as const;
type SecretField = (typeof SECRET_FIELDS)[number];

export interface StoredChannelParts {
  readonly settings: Record<string, unknown>;
  /** Plain secrets; the caller seals `JSON.stringify(secrets)` with the channel id. */
  readonly secrets: Partial<Record<SecretField, string>>;
  readonly display: Record<string, unknown>;
}

const isSecretField = (key: string): key is SecretField => (SECRET_FIELDS as readonly string[]).includes(key);

// Short URLs would reveal too much through a tail, so they show none.
const MIN_LENGTH_FOR_TAIL = 12;

/** `https://host/••••abcd`: the origin and the last four characters of path and query. */
export function maskUrl(value: string): string {
  const url = new URL(value);
  const rest = `${url.pathname}${url.search}`;
  return `${url.origin}/••••${rest.length >= MIN_LENGTH_FOR_TAIL ? rest.slice(-4) : ""}`;
}

/** Splits validated channel settings into plain settings, secrets and masked hints. */
export function splitChannelConfig(config: AlertChannelConfig): StoredChannelParts {
  const settings: Record<string, unknown> = {};
  const secrets: Partial<Record<SecretField, string>> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === "type") continue;
    if (isSecretField(key)) {
      if (typeof value === "string") secrets[key] = value;
    } else settings[key] = value;
  }
  const display: Record<string, unknown> =
    config.type === "email"
      ? { hasPassword: config.password !== null }
      : { urlMasked: maskUrl(config.url), hasSecret: config.secret !== null };
  return { settings, secrets, display };
}

/** Seals the secret part of a channel (aad = channel id). */
export function sealChannelSecrets(
  sealer: CredentialSealer,
  channelId: string,
  parts: StoredChannelParts,
): string {
  return sealer.seal(JSON.stringify(parts.secrets), channelId);
}

/** Rebuilds a channel's full settings (secrets opened); throws when the stored row is unusable. */
export function openChannelConfig(sealer: CredentialSealer, row: AlertChannelRow): AlertChannelConfig {
  const secrets = JSON.parse(sealer.open(row.secretsCipher, row.id)) as Record<string, unknown>;
  const nulls = row.type === "email" ? { password: null } : { secret: null };
  return alertChannelConfigSchema.parse({ ...row.settings, ...nulls, ...secrets, type: row.type });
}

/** Applies a partial update: absent fields keep their value, null clears, a value replaces. */
export function mergeChannelConfig(
  current: AlertChannelConfig,
  update: AlertChannelConfigUpdate,
): AlertChannelConfig {
  const changes = Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined));
  return alertChannelConfigSchema.parse({ ...current, ...changes });
}

/** Names the secret fields an update sets to a new value (for the audit log, without the values). */
export function replacedSecretFields(update: AlertChannelConfigUpdate): SecretField[] {
  return Object.entries(update)
    .filter(([key, value]) => isSecretField(key) && typeof value === "string")
    .map(([key]) => key as SecretField);
}

/** The masked view of a channel row. */
export function toChannelView(row: AlertChannelRow): AlertChannelView {
  return alertChannelViewSchema.parse({ ...row.settings, ...row.display, type: row.type });
}

/** A channel row as the API shows it: never a secret. */
export function toAlertChannel(row: AlertChannelRow): AlertChannel {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    enabled: row.enabled,
    config: toChannelView(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
