import type { ApiKey } from "@/contracts/api-keys";
import type { Group, Member } from "@/contracts/groups";
import type { Provider } from "@/contracts/providers";
import type { ApiKeyRow, GroupProviderRow, GroupRow, ProviderRow } from "@/db/schema";
import { maskGatewayKey } from "@/security/gateway-key";
import { maskProviderHeaders } from "./provider-headers";

// Short credentials would lose too much to a 4-character tail, so they show none.
const MIN_LENGTH_FOR_TAIL = 12;

/** The part of a provider credential kept for display (stored as `api_key_last4`). */
export function credentialTail(apiKey: string): string {
  return apiKey.length >= MIN_LENGTH_FOR_TAIL ? apiKey.slice(-4) : "";
}

/** `••••abcd` for a stored credential, null when there is none. */
export function maskCredential(cipher: string | null, last4: string | null): string | null {
  return cipher === null ? null : `••••${last4 ?? ""}`;
}

/** A provider row as the API (and the audit log) shows it: credential and header values masked. */
export function toProvider(row: ProviderRow): Provider {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.baseUrl,
    authStyle: row.authStyle,
    weight: row.weight,
    enabled: row.enabled,
    healthCheckPath: row.healthCheckPath,
    rateLimitPerMinute: row.rateLimitPerMinute,
    maxConcurrency: row.maxConcurrency,
    headers: maskProviderHeaders(row.headers),
    description: row.description,
    models: row.models,
    hasApiKey: row.apiKeyCipher !== null,
    apiKeyMasked: maskCredential(row.apiKeyCipher, row.apiKeyLast4),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A group row as the API shows it. */
export function toGroup(row: GroupRow, memberCount: number): Group {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    strategy: row.strategy,
    maxAttempts: row.maxAttempts,
    retryOn: row.retryOn,
    connectTimeoutMs: row.connectTimeoutMs,
    firstByteTimeoutMs: row.firstByteTimeoutMs,
    idleTimeoutMs: row.idleTimeoutMs,
    totalTimeoutMs: row.totalTimeoutMs,
    rateLimitPerMinute: row.rateLimitPerMinute,
    enabled: row.enabled,
    capture: row.capture,
    captureSampleRate: row.captureSampleRate,
    captureMaxBytes: row.captureMaxBytes,
    affinity: row.affinity,
    hashHeader: row.hashHeader,
    memberCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A membership joined with its provider. */
export function toMember(member: GroupProviderRow, provider: ProviderRow): Member {
  return {
    providerId: member.providerId,
    providerName: provider.name,
    priority: member.priority,
    weight: member.weight,
    effectiveWeight: member.weight ?? provider.weight,
    enabled: member.enabled,
    providerEnabled: provider.enabled,
    models: member.models,
    modelMap: member.modelMap,
    providerModels: provider.models,
  };
}

/** A gateway key row as the API shows it: masked, never the digest. */
export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    keyMasked: maskGatewayKey(row.keyPrefix, row.keyLast4),
    groupId: row.groupId,
    rateLimitPerMinute: row.rateLimitPerMinute,
    maxConcurrency: row.maxConcurrency,
    capture: row.capture,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    enabled: row.enabled,
    note: row.note,
    allowedModels: row.allowedModels,
    quota: row.quota ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
