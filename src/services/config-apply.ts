import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import type { GroupEntry, ProviderEntry } from "@/contracts/config-document";
import type { Db } from "@/db/client";
import { apiKeys, groupProviders, groups, providers } from "@/db/schema";
import type { CurrentConfig, ImportPlan } from "./config-import-plan";
import { credentialTail } from "./mappers";
import { sealProviderHeaders } from "./provider-headers";
import type { CredentialSealer } from "./service-context";

/** Reads everything an import plan compares against; `lock` takes row locks for a real import. */
export async function loadCurrentConfig(db: Db, lock: boolean): Promise<CurrentConfig> {
  if (!lock) {
    const [p, g, m, k] = await Promise.all([
      db.select().from(providers),
      db.select().from(groups),
      db.select().from(groupProviders),
      db.select().from(apiKeys),
    ]);
    return { providers: p, groups: g, members: m, apiKeys: k };
  }
  // Sequential inside a transaction: one connection runs one statement at a time anyway.
  const p = await db.select().from(providers).for("update");
  const g = await db.select().from(groups).for("update");
  const m = await db.select().from(groupProviders).for("update");
  const k = await db.select().from(apiKeys).for("update");
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
  };
}

function credentialFields(sealer: CredentialSealer, id: string, apiKey: string | null | undefined) {
  if (apiKey === undefined) return {};
  if (apiKey === null) return { apiKeyCipher: null, apiKeyLast4: null };
  return { apiKeyCipher: sealer.seal(apiKey, id), apiKeyLast4: credentialTail(apiKey) };
}

function groupFields(entry: GroupEntry) {
  const { providers: _members, ...fields } = entry;
  return fields;
}

/** Applies a validated plan inside the caller's transaction. */
export async function applyImportPlan(
  tx: Db,
  plan: ImportPlan,
  current: CurrentConfig,
  sealer: CredentialSealer,
  now: Date,
): Promise<void> {
  const providerIds = new Map(current.providers.map((p) => [p.name, p.id]));
  for (const entry of plan.createProviders) {
    const id = randomUUID();
    await tx.insert(providers).values({
      id,
      name: entry.name,
      ...providerFields(entry, id, sealer),
      ...credentialFields(sealer, id, entry.apiKey),
      createdAt: now,
      updatedAt: now,
    });
    providerIds.set(entry.name, id);
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
  }

  const groupIds = new Map(current.groups.map((g) => [g.slug, g.id]));
  const replaceMembers = async (groupId: string, entry: GroupEntry) => {
    await tx.delete(groupProviders).where(eq(groupProviders.groupId, groupId));
    if (entry.providers.length === 0) return;
    await tx.insert(groupProviders).values(
      entry.providers.map((m) => ({
        groupId,
        providerId: providerIds.get(m.provider)!,
        priority: m.priority,
        weight: m.weight,
        enabled: m.enabled,
        createdAt: now,
      })),
    );
  };
  for (const entry of plan.createGroups) {
    const id = randomUUID();
    await tx.insert(groups).values({ id, ...groupFields(entry), createdAt: now, updatedAt: now });
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
        updatedAt: now,
      })
      .where(eq(apiKeys.id, row.id));
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
