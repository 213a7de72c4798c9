import { and, asc, eq, gt, sql } from "drizzle-orm";
import { strategyUsesLatency } from "../../core/balancing/registry";
import type { TierRef } from "../../core/balancing/select";
import { compileModelList, isGlob, type ModelMatcher } from "../../core/routing/model-globs";
import { DEFAULT_AFFINITY_HEADER, DEFAULT_AFFINITY_TTL_SECONDS } from "../../contracts/models";
import type { GroupAffinity } from "../../db/schema/groups";
import type { Strategy } from "../../core/balancing/types";
import type { Db } from "../../db/client";
import { createPacer, readInPages, readInPagesBy } from "../../db/pacing";
import { createPriceBook } from "../../core/cost/price-book";
import { toQuotaLimits, type QuotaLimits } from "../../core/quota/quota";
import { apiKeys } from "../../db/schema/api-keys";
import { modelPrices } from "../../db/schema/model-prices";
import { groupProviders } from "../../db/schema/group-providers";
import type { StrategyName } from "../../core/vocabulary/balancing";
import { groups } from "../../db/schema/groups";
import { providers, type ProviderRow } from "../../db/schema/providers";
import { tenants } from "../../db/schema/tenants";
import type { Logger } from "../../observability/logger";
import { openProviderHeaders } from "../../security/provider-header-secrets";
import {
  groupSlugKey,
  type RoutingSnapshot,
  type SnapshotAffinity,
  type SnapshotGroup,
  type SnapshotKey,
  type SnapshotMember,
  type SnapshotProvider,
} from "./snapshot-types";

/** Decrypts a sealed provider credential; the provider id is the associated data. */
export type OpenCredential = (sealed: string, providerId: string) => string;

export interface BuildSnapshotDeps {
  readonly db: Db;
  readonly openCredential: OpenCredential;
  readonly logger: Logger;
  /** Returns the long-lived tier strategies of a group (the holder keeps them across swaps). */
  readonly strategiesFor: (groupId: string, name: StrategyName) => (tier: TierRef) => Strategy;
  readonly version: number;
  readonly now: number;
}

// Rows per read of the two big tables: a page is a short statement even on the embedded database
// (which parses its result on this thread); 10,000 providers and 50,000 keys were one 2-8 s stall.
const PAGE_ROWS = 500;

/**
 * Reads the config tables and builds a frozen routing snapshot, joined in memory. Memberships,
 * providers and keys are read in pages and the build yields to the event loop every 20 ms
 * (src/db/pacing.ts), so a reload after a large import never stalls proxied requests; the current
 * snapshot serves meanwhile.
 * Pages are separate statements: a write landing mid-build announces itself and triggers the next
 * reload, as any write during a reload does.
 */
export async function buildSnapshot(deps: BuildSnapshotDeps): Promise<RoutingSnapshot> {
  const { db } = deps;
  const [groupRows, tenantRows, priceRows] = await Promise.all([
    db.select().from(groups).where(eq(groups.enabled, true)),
    db.select({ id: tenants.id, enabled: tenants.enabled, quota: tenants.quota }).from(tenants),
    db.select().from(modelPrices),
  ]);
  const tenantEnabled = new Map(tenantRows.map((t) => [t.id, t.enabled]));
  const tenantQuotas = new Map<string, QuotaLimits>();
  for (const t of tenantRows) {
    const limits = toQuotaLimits(t.quota);
    if (limits !== null) tenantQuotas.set(t.id, Object.freeze(limits));
  }
  // Keyset on the composite primary key: 10,000 memberships in one result were a stall of their own.
  const memberRows = await readInPagesBy(
    (after: readonly [string, string] | null) =>
      db
        .select()
        .from(groupProviders)
        .where(
          after === null
            ? eq(groupProviders.enabled, true)
            : and(
                eq(groupProviders.enabled, true),
                sql`(${groupProviders.groupId}, ${groupProviders.providerId}) > (${after[0]}::uuid, ${after[1]}::uuid)`,
              ),
        )
        .orderBy(asc(groupProviders.groupId), asc(groupProviders.providerId))
        .limit(PAGE_ROWS),
    (m) => [m.groupId, m.providerId] as const,
    PAGE_ROWS,
  );
  // Every provider, not only enabled ones: the ids tell which providers still exist.
  const providerRows = await readInPages(
    (after) =>
      db
        .select()
        .from(providers)
        .where(after === null ? undefined : gt(providers.id, after))
        .orderBy(asc(providers.id))
        .limit(PAGE_ROWS),
    PAGE_ROWS,
  );
  const keyRows = await readInPages(
    (after) =>
      db
        .select()
        .from(apiKeys)
        .where(
          after === null ? eq(apiKeys.enabled, true) : and(eq(apiKeys.enabled, true), gt(apiKeys.id, after)),
        )
        .orderBy(asc(apiKeys.id))
        .limit(PAGE_ROWS),
    PAGE_ROWS,
  );
  const pace = createPacer();

  const providerById = new Map<string, { row: ProviderRow; snap: SnapshotProvider }>();
  const providerIds = new Set<string>();
  for (const row of providerRows) {
    providerIds.add(row.id);
    if (!row.enabled) continue;
    // Opening each sealed credential (AES-GCM) is the costly step: ~10-20 µs a provider.
    const snap = toSnapshotProvider(row, deps);
    if (snap !== null) providerById.set(row.id, { row, snap });
    const turn = pace();
    if (turn !== undefined) await turn;
  }

  const membersByGroup = new Map<string, SnapshotMember[]>();
  for (const m of memberRows) {
    const turn = pace();
    if (turn !== undefined) await turn;
    const p = providerById.get(m.providerId);
    if (p === undefined) continue;
    const list = m.models.length > 0 ? m.models : p.row.models;
    const member: SnapshotMember = Object.freeze({
      provider: p.snap,
      priority: m.priority,
      weight: Math.max(0, m.weight ?? p.row.weight),
      models: list.length > 0 ? compileModelList(list) : null,
      modelMap: Object.keys(m.modelMap).length > 0 ? Object.freeze({ ...m.modelMap }) : null,
    });
    const groupList = membersByGroup.get(m.groupId);
    if (groupList === undefined) membersByGroup.set(m.groupId, [member]);
    else groupList.push(member);
  }

  const groupsBySlug = new Map<string, SnapshotGroup>();
  const origins = new Set<string>();
  for (const g of groupRows) {
    const turn = pace();
    if (turn !== undefined) await turn;
    const members = (membersByGroup.get(g.id) ?? []).sort(
      (a, b) => a.priority - b.priority || a.provider.name.localeCompare(b.provider.name),
    );
    for (const m of members) origins.add(m.provider.origin);
    const group: SnapshotGroup = {
      id: g.id,
      tenantId: g.tenantId,
      slug: g.slug,
      strategyName: g.strategy,
      strategyFor: deps.strategiesFor(g.id, g.strategy),
      maxAttempts: Math.max(1, g.maxAttempts),
      retryOn: Object.freeze([...g.retryOn]),
      connectTimeoutMs: g.connectTimeoutMs,
      firstByteTimeoutMs: g.firstByteTimeoutMs,
      idleTimeoutMs: g.idleTimeoutMs,
      totalTimeoutMs: g.totalTimeoutMs,
      rateLimitPerMinute: positiveOrNull(g.rateLimitPerMinute),
      capture: g.capture,
      captureSampleRate: g.captureSampleRate,
      captureMaxBytes: g.captureMaxBytes,
      members: Object.freeze(members),
      membersById: new Map(members.map((m) => [m.provider.id, m])),
      routesByModel: members.some((m) => m.models !== null || m.modelMap !== null),
      modelCatalog: modelCatalogOf(members),
      affinity: toSnapshotAffinity(g.affinity),
      hashHeader: g.strategy === "ip_hash" && g.hashHeader ? g.hashHeader.toLowerCase() : null,
      usesLatency: strategyUsesLatency(g.strategy),
    };
    groupsBySlug.set(groupSlugKey(g.tenantId, g.slug), Object.freeze(group));
  }

  const keysByDigest = new Map<string, SnapshotKey>();
  for (const k of keyRows) {
    const turn = pace();
    if (turn !== undefined) await turn;
    keysByDigest.set(
      k.keyDigest,
      Object.freeze({
        id: k.id,
        tenantId: k.tenantId,
        tenantEnabled: tenantEnabled.get(k.tenantId) ?? false,
        groupId: k.groupId,
        expiresAt: k.expiresAt ? k.expiresAt.getTime() : null,
        rateLimitPerMinute: positiveOrNull(k.rateLimitPerMinute),
        maxConcurrency: positiveOrNull(k.maxConcurrency),
        capture: k.capture,
        allowedModels: k.allowedModels.length > 0 ? compileModelList(k.allowedModels) : null,
        quota: toQuotaLimits(k.quota),
        tenantQuota: tenantQuotas.get(k.tenantId) ?? null,
      }),
    );
  }

  return Object.freeze({
    version: deps.version,
    loadedAt: deps.now,
    groupsBySlug,
    keysByDigest,
    origins,
    providerIds,
    tenantQuotas,
    priceBook: createPriceBook(priceRows),
  });
}

/**
 * Converts a provider row (credential decrypted); null (logged, without secrets) when its URL or
 * credential is unusable. Also used by the admin "test connection", so it probes what the gateway sends.
 */
export function toSnapshotProvider(
  row: ProviderRow,
  deps: Pick<BuildSnapshotDeps, "openCredential" | "logger">,
): SnapshotProvider | null {
  let url: URL;
  try {
    url = new URL(row.baseUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("unsupported protocol");
  } catch {
    deps.logger.error({ providerId: row.id, provider: row.name }, "provider base URL is invalid; skipped");
    return null;
  }
  let credential: string | null = null;
  if (row.apiKeyCipher !== null && row.apiKeyCipher !== "") {
    try {
      credential = deps.openCredential(row.apiKeyCipher, row.id);
    } catch (err) {
      const reason = (err as { reason?: unknown }).reason;
      deps.logger.error(
        { providerId: row.id, provider: row.name, reason: typeof reason === "string" ? reason : "error" },
        "provider credential could not be decrypted; provider skipped",
      );
      return null;
    }
  }
  let clearHeaders: Record<string, string>;
  try {
    clearHeaders = openProviderHeaders(row, deps.openCredential);
  } catch (err) {
    const reason = (err as { reason?: unknown }).reason;
    deps.logger.error(
      { providerId: row.id, provider: row.name, reason: typeof reason === "string" ? reason : "error" },
      "provider header values could not be decrypted; provider skipped",
    );
    return null;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(clearHeaders)) headers[name.toLowerCase()] = value;
  return Object.freeze({
    id: row.id,
    name: row.name,
    headerName: toHeaderValue(row.name),
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ""),
    authStyle: row.authStyle,
    credential,
    headers: Object.freeze(headers),
    healthCheckPath: row.healthCheckPath,
    rateLimitPerMinute: positiveOrNull(row.rateLimitPerMinute),
    maxConcurrency: positiveOrNull(row.maxConcurrency),
  });
}

/**
 * What `GET /v1/models` lists for a group: the exact names of every member's list plus the client
 * names of its aliases; null (forward the request) when a member serves every model, since the
 * configuration then does not know the full list.
 */
function modelCatalogOf(members: readonly SnapshotMember[]): readonly string[] | null {
  if (members.length === 0 || members.some((m) => m.models === null)) return null;
  const names = new Set<string>();
  for (const m of members) {
    for (const pattern of (m.models as ModelMatcher).patterns) if (!isGlob(pattern)) names.add(pattern);
    if (m.modelMap !== null) for (const alias of Object.keys(m.modelMap)) names.add(alias);
  }
  return Object.freeze([...names].sort());
}

/** The group's affinity settings with defaults filled in; null when off. */
function toSnapshotAffinity(affinity: GroupAffinity | null | undefined): SnapshotAffinity | null {
  if (affinity?.enabled !== true) return null;
  const ttlSeconds = affinity.ttlSeconds ?? DEFAULT_AFFINITY_TTL_SECONDS;
  return Object.freeze({
    header: (affinity.header ?? DEFAULT_AFFINITY_HEADER).toLowerCase(),
    ttlMs: Math.max(1, ttlSeconds) * 1000,
  });
}

/** A limit that is not a positive number means "no limit" (so a bad value never blocks traffic). */
function positiveOrNull(value: number | null): number | null {
  return value !== null && value > 0 ? value : null;
}

/** Percent-encodes what a header value cannot carry (anything outside printable ASCII). */
function toHeaderValue(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : encodeURIComponent(text);
}
