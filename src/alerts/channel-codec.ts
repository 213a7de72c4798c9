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
import {
  channelViewKey,
  isSecretKind,
  listChannelFields,
  type ChannelFieldNameOfKind,
} from "@/core/vocabulary/alert-channels";
import type { AlertChannelRow } from "@/db/schema";
import type { CredentialSealer } from "@/services/service-context";

/** A field sealed at rest: a webhook/robot URL, a signing secret, an SMTP password. */
type SecretField = ChannelFieldNameOfKind<"secretUrl" | "secret">;

export interface StoredChannelParts {
  readonly settings: Record<string, unknown>;
  /** Plain secrets; the caller seals `JSON.stringify(secrets)` with the channel id. */
  readonly secrets: Partial<Record<SecretField, string>>;
  readonly display: Record<string, unknown>;
}

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
  const values: Readonly<Record<string, unknown>> = config;
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  const display: Record<string, unknown> = {};
  for (const [name, spec] of listChannelFields(config.type)) {
    const value = values[name];
    if (!isSecretKind(spec.kind)) settings[name] = value;
    else if (typeof value === "string") secrets[name] = value;
    if (spec.kind === "secretUrl") display[channelViewKey(name, spec)] = maskUrl(String(value));
    if (spec.kind === "secret") display[channelViewKey(name, spec)] = value !== null;
  }
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
  // An optional secret that was never set is absent from the sealed object: it reads as null.
  const nulls = listChannelFields(row.type).filter(([, spec]) => spec.kind === "secret");
  const unset = Object.fromEntries(nulls.map(([name]) => [name, null]));
  return alertChannelConfigSchema.parse({ ...row.settings, ...unset, ...secrets, type: row.type });
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
  const values: Readonly<Record<string, unknown>> = update;
  return listChannelFields(update.type)
    .filter(([name, spec]) => isSecretKind(spec.kind) && typeof values[name] === "string")
    .map(([name]) => name as SecretField);
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
