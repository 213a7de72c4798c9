import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import {
  apiKeyCreateSchema,
  apiKeyUpdateSchema,
  type ApiKey,
  type CreatedApiKey,
} from "@/contracts/api-keys";
import { AppError } from "@/core/errors/catalogue";
import type { Db } from "@/db/client";
import { apiKeys, groups, type ApiKeyRow } from "@/db/schema";
import { generateGatewayKey } from "@/security/gateway-key";
import { toApiKey } from "./mappers";
import { changedFields, isUuid, parseInput, type ServiceContext, type WriteContext } from "./service-context";

export interface ApiKeyService {
  /** Every gateway key, by name, masked. */
  list(): Promise<ApiKey[]>;
  /** One key (masked); API_KEY_NOT_FOUND when missing. */
  get(id: string): Promise<ApiKey>;
  /** Creates a key and answers the full key — the only time it is ever shown. */
  create(by: WriteContext, input: unknown): Promise<CreatedApiKey>;
  /** Partial update of the key's metadata (the key itself never changes). */
  update(by: WriteContext, id: string, input: unknown): Promise<ApiKey>;
  remove(by: WriteContext, id: string): Promise<void>;
}

// A key scoped to a group deleted concurrently: same answer as the pre-check.
const MISSING_GROUP = { api_keys_group_id_groups_id_fk: "GROUP_NOT_FOUND" } as const;

/** Gateway key management; only digests are stored. */
export function createApiKeyService(ctx: ServiceContext): ApiKeyService {
  const { db } = ctx;

  async function lockRow(tx: Db, id: string): Promise<ApiKeyRow> {
    const [row] = isUuid(id)
      ? await tx
          .select()
          .from(apiKeys)
          .where(and(eq(apiKeys.id, id), ctx.owned(apiKeys)))
          .for("update")
      : [];
    if (!row) throw new AppError("API_KEY_NOT_FOUND");
    return row;
  }

  async function assertGroupExists(tx: Db, groupId: string | null): Promise<void> {
    if (groupId === null) return;
    const [row] = await tx
      .select({ id: groups.id })
      .from(groups)
      .where(and(eq(groups.id, groupId), ctx.owned(groups)));
    if (!row) throw new AppError("GROUP_NOT_FOUND", undefined, { field: "groupId", groupId });
  }

  return {
    async list() {
      const rows = await db
        .select()
        .from(apiKeys)
        .where(ctx.owned(apiKeys))
        .orderBy(asc(apiKeys.name), asc(apiKeys.createdAt));
      return rows.map(toApiKey);
    },

    async get(id) {
      const [row] = isUuid(id)
        ? await db
            .select()
            .from(apiKeys)
            .where(and(eq(apiKeys.id, id), ctx.owned(apiKeys)))
        : [];
      if (!row) throw new AppError("API_KEY_NOT_FOUND");
      return toApiKey(row);
    },

    async create(by, input) {
      const data = parseInput(apiKeyCreateSchema, input);
      return ctx.write(
        by,
        async (tx) => {
          await assertGroupExists(tx, data.groupId);
          const generated = generateGatewayKey();
          const id = randomUUID();
          const now = ctx.now();
          const [row] = await tx
            .insert(apiKeys)
            .values({
              ...data,
              id,
              tenantId: ctx.tenantId,
              expiresAt: data.expiresAt === null ? null : new Date(data.expiresAt),
              keyDigest: generated.digest,
              keyPrefix: generated.prefix,
              keyLast4: generated.last4,
              createdAt: now,
              updatedAt: now,
            })
            .returning();
          const apiKey = toApiKey(row!);
          return {
            result: { ...apiKey, key: generated.key },
            audit: {
              action: "api_key.create",
              entityType: "api_key",
              entityId: id,
              summary: `Created API key "${apiKey.name}" (${apiKey.keyMasked})`,
              changes: { after: apiKey },
            },
            announce: { kind: "api_key", id },
          };
        },
        MISSING_GROUP,
      );
    },

    async update(by, id, input) {
      const data = parseInput(apiKeyUpdateSchema, input);
      return ctx.write(
        by,
        async (tx) => {
          const current = await lockRow(tx, id);
          if (data.groupId !== undefined) await assertGroupExists(tx, data.groupId);
          const { expiresAt, ...fields } = data;
          const [row] = await tx
            .update(apiKeys)
            .set({
              ...fields,
              ...(expiresAt === undefined
                ? {}
                : { expiresAt: expiresAt === null ? null : new Date(expiresAt) }),
              updatedAt: ctx.now(),
            })
            .where(eq(apiKeys.id, current.id))
            .returning();
          const after = toApiKey(row!);
          return {
            result: after,
            audit: {
              action: "api_key.update",
              entityType: "api_key",
              entityId: current.id,
              summary: `Updated API key "${after.name}" (${after.keyMasked})`,
              changes: changedFields(toApiKey(current), after),
            },
            announce: { kind: "api_key", id: current.id },
          };
        },
        MISSING_GROUP,
      );
    },

    async remove(by, id) {
      await ctx.write(by, async (tx) => {
        const current = await lockRow(tx, id);
        await tx.delete(apiKeys).where(eq(apiKeys.id, current.id));
        const before = toApiKey(current);
        return {
          result: undefined,
          audit: {
            action: "api_key.delete",
            entityType: "api_key",
            entityId: current.id,
            summary: `Deleted API key "${before.name}" (${before.keyMasked})`,
            changes: { before },
          },
          announce: { kind: "api_key", id: current.id },
        };
      });
    },
  };
}
