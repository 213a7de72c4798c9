import { randomUUID } from "node:crypto";
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { GroupEntry, ProviderEntry } from "@/contracts/config-document";
import type { Db } from "@/db/client";
import { apiKeys, groupProviders, groups, providers } from "@/db/schema";
import type { CurrentConfig, ImportPlan } from "./config-import-plan";
import { credentialTail } from "./mappers";
import { sealProviderHeaders } from "./provider-headers";
import { createPacer, readInPages } from "@/db/pacing";
import { normalizeQuotaSpec } from "@/core/quota/quota";
import type { CredentialSealer } from "./service-context";

// Small enough that one page is a short statement even on the embedded database (which runs it on
// this thread), large enough that PostgreSQL round trips stay few.
const READ_PAGE = 500;

/**
 * Reads everything of `tenantId` an import plan compares against (imports are per tenant); `lock`
 * locks the tables for a real import.
 */
export async function loadCurrentConfig(db: Db, lock: boolean, tenantId: string): Promise<CurrentConfig> {
  if (!lock) {
    const [p, g, m, k] = await Promise.all([
      db.select().from(providers).where(eq(providers.tenantId, tenantId)),
      db.select().from(groups).where(eq(groups.tenantId, tenantId)),
      db
        .select({ member: groupProviders })
        .from(groupProviders)
        .innerJoin(groups, eq(groups.id, groupProviders.groupId))
        .where(eq(groups.tenantId, tenantId)),
      db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)),
    ]);
    return { providers: p, groups: g, members: m.map((r) => r.member), apiKeys: k };
  }
  // One table lock instead of a row lock per row: other writers wait for the import as before, but
  // nothing is written per row (FOR UPDATE marks every tuple: 50,000 keys meant seconds of page
  // writes in one statement). EXCLUSIVE mode still lets readers (the gateway's snapshot) through.
  await db.execute(sql`lock table providers, groups, group_providers, api_keys in exclusive mode`);
  // Sequential inside a transaction: one connection runs one statement at a time anyway. The two
  // big tables are read in pages, with a turn of the event loop between them.
  const p = await readInPages(
    (after) =>
      db
        .select()
        .from(providers)
        .where(and(eq(providers.tenantId, tenantId), after === null ? undefined : gt(providers.id, after)))
        .orderBy(asc(providers.id))
        .limit(READ_PAGE),
    READ_PAGE,
  );
  const g = await db.select().from(groups).where(eq(groups.tenantId, tenantId));
  const groupIds = new Set(g.map((row) => row.id));
  const m = (await db.select().from(groupProviders)).filter((row) => groupIds.has(row.groupId));
  const k = await readInPages(
    (after) =>
      db
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.tenantId, tenantId), after === null ? undefined : gt(apiKeys.id, after)))
        .orderBy(asc(apiKeys.id))
        .limit(READ_PAGE),
    READ_PAGE,
  );
  return { providers: p, groups: g, members: m, apiKeys: k };
}

/** The row fields of an entry whose header values are clear (masked ones already resolved). */
function providerFields(entry: ProviderEntry, id: string, sealer: CredentialSealer) {
  return {
    ...sealProviderHeaders(id, entry.headers, sealer),
    baseUrl: entry.baseUrl,
    authStyle: entry.authStyle,
    weight: entry.weight,
    enabled: entry.enabled,
    healthCheckPath: entry.healthCheckPath,
    rateLimitPerMinute: entry.rateLimitPerMinute,
    maxConcurrency: entry.maxConcurrency,
    description: entry.description,
    models: entry.models,
  };
}

function credentialFields(sealer: CredentialSealer, id: string, apiKey: string | null | undefined) {
  if (apiKey === undefined) return {};
  if (apiKey === null) return { apiKeyCipher: null, apiKeyLast4: null };
  return { apiKeyCipher: sealer.seal(apiKey, id), apiKeyLast4: credentialTail(apiKey) };
}

// Rows per multi-row insert: an embedded database runs each statement on this thread, so a big
// import must never hold it for long at once; between statements the pacer gives the loop a turn
// every 20 ms (src/db/pacing.ts). Drizzle's statement building (a type check per parameter) made
// one 100-row provider insert 40-130 ms of main-thread CPU on a loaded machine: 50 rows halves it.
const INSERT_CHUNK = 50;

function groupFields(entry: GroupEntry) {
  const { providers: _members, ...fields } = entry;
  return fields;
}

/**
 * Applies a validated plan inside the caller's transaction: new providers in multi-row inserts,
 * everything else row by row, yielding to the event loop between chunks so that proxied requests
 * and health checks keep being served while a large document is imported.
 */
export async function applyImportPlan(
  tx: Db,
  plan: ImportPlan,
  current: CurrentConfig,
  sealer: CredentialSealer,
  now: Date,
  tenantId: string,
): Promise<void> {
  const pace = createPacer();
  const providerIds = new Map(current.providers.map((p) => [p.name, p.id]));
  for (let start = 0; start < plan.createProviders.length; start += INSERT_CHUNK) {
    const values = plan.createProviders.slice(start, start + INSERT_CHUNK).map((entry) => {
      const id = randomUUID();
      providerIds.set(entry.name, id);
      return {
        id,
        tenantId,
        name: entry.name,
        ...providerFields(entry, id, sealer),
        ...credentialFields(sealer, id, entry.apiKey),
        createdAt: now,
        updatedAt: now,
      };
    });
    await tx.insert(providers).values(values);
    await pace();
  }
  for (const { row, entry } of plan.updateProviders) {
    await tx
      .update(providers)
      .set({
        ...providerFields(entry, row.id, sealer),
        ...credentialFields(sealer, row.id, entry.apiKey),
        updatedAt: now,
      })
      .where(eq(providers.id, row.id));
    await pace();
  }

  const groupIds = new Map(current.groups.map((g) => [g.slug, g.id]));
  const replaceMembers = async (groupId: string, entry: GroupEntry) => {
    await tx.delete(groupProviders).where(eq(groupProviders.groupId, groupId));
    await pace();
    for (let start = 0; start < entry.providers.length; start += INSERT_CHUNK) {
      await tx.insert(groupProviders).values(
        entry.providers.slice(start, start + INSERT_CHUNK).map((m) => ({
          groupId,
          providerId: providerIds.get(m.provider)!,
          priority: m.priority,
          weight: m.weight,
          enabled: m.enabled,
          models: m.models,
          modelMap: m.modelMap,
          createdAt: now,
        })),
      );
      await pace();
    }
  };
  for (const entry of plan.createGroups) {
    const id = randomUUID();
    await tx.insert(groups).values({ id, tenantId, ...groupFields(entry), createdAt: now, updatedAt: now });
    groupIds.set(entry.slug, id);
    await replaceMembers(id, entry);
  }
  for (const { row, entry } of plan.updateGroups) {
    await tx
      .update(groups)
      .set({ ...groupFields(entry), updatedAt: now })
      .where(eq(groups.id, row.id));
    await replaceMembers(row.id, entry);
  }

  for (const { row, entry } of plan.updateApiKeys) {
    await tx
      .update(apiKeys)
      .set({
        name: entry.name,
        groupId: entry.group === null ? null : groupIds.get(entry.group)!,
        rateLimitPerMinute: entry.rateLimitPerMinute,
        maxConcurrency: entry.maxConcurrency,
        expiresAt: entry.expiresAt === null ? null : new Date(entry.expiresAt),
        enabled: entry.enabled,
        note: entry.note,
        allowedModels: entry.allowedModels,
        ...(entry.capture === undefined ? null : { capture: entry.capture }),
        ...(entry.quota === undefined ? null : { quota: normalizeQuotaSpec(entry.quota) }),
        updatedAt: now,
      })
      .where(eq(apiKeys.id, row.id));
    await pace();
  }

  // Groups first: their memberships cascade away, so the providers they used can go next.
  if (plan.deleteGroups.length > 0) {
    await tx.delete(groups).where(
      inArray(
        groups.id,
        plan.deleteGroups.map((g) => g.id),
      ),
    );
  }
  if (plan.deleteProviders.length > 0) {
    await tx.delete(providers).where(
      inArray(
        providers.id,
        plan.deleteProviders.map((p) => p.id),
      ),
    );
  }
}
