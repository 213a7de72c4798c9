import { randomUUID } from "node:crypto";
import { and, asc, count, eq } from "drizzle-orm";
import {
  checkGroupTimeouts,
  groupCreateSchema,
  groupUpdateSchema,
  type Group,
  type GroupDetail,
} from "@/contracts/groups";
import { AppError } from "@/core/errors/catalogue";
import type { Db } from "@/db/client";
import { apiKeys, groupProviders, groups } from "@/db/schema";
import { createMembershipOperations, type MembershipOperations } from "./group-members";
import { loadGroupDetail, lockGroup } from "./group-queries";
import { toGroup } from "./mappers";
import { changedFields, parseInput, type ServiceContext, type WriteContext } from "./service-context";

export interface GroupService extends MembershipOperations {
  /** Every group, by slug, with its member count. */
  list(): Promise<Group[]>;
  /** One group with its members (preferred tier first); GROUP_NOT_FOUND when missing. */
  get(id: string): Promise<GroupDetail>;
  create(by: WriteContext, input: unknown): Promise<GroupDetail>;
  /** Partial update: only the fields sent change. */
  update(by: WriteContext, id: string, input: unknown): Promise<GroupDetail>;
  /** Deletes a group and its memberships; refuses (GROUP_HAS_KEYS) while API keys are scoped to it. */
  remove(by: WriteContext, id: string): Promise<void>;
}

const HAS_KEYS = { api_keys_group_id_groups_id_fk: "GROUP_HAS_KEYS" } as const;

/** Group CRUD plus membership management. */
export function createGroupService(ctx: ServiceContext): GroupService {
  const { db } = ctx;

  async function assertSlugFree(tx: Db, slug: string, exceptId: string | null): Promise<void> {
    const [row] = await tx
      .select({ id: groups.id })
      .from(groups)
      .where(and(eq(groups.slug, slug), ctx.owned(groups)));
    if (row && row.id !== exceptId) throw new AppError("GROUP_SLUG_TAKEN", undefined, { slug });
  }

  async function detailOrThrow(tx: Db, id: string): Promise<GroupDetail> {
    const detail = await loadGroupDetail(tx, ctx.owned(groups), id);
    if (!detail) throw new AppError("GROUP_NOT_FOUND");
    return detail;
  }

  return {
    async list() {
      const rows = await db
        .select({ group: groups, members: count(groupProviders.providerId) })
        .from(groups)
        .leftJoin(groupProviders, eq(groupProviders.groupId, groups.id))
        .where(ctx.owned(groups))
        .groupBy(groups.id)
        .orderBy(asc(groups.slug));
      return rows.map((r) => toGroup(r.group, Number(r.members)));
    },

    async get(id) {
      return detailOrThrow(db, id);
    },

    async create(by, input) {
      const data = parseInput(groupCreateSchema, input);
      return ctx.write(by, async (tx) => {
        await assertSlugFree(tx, data.slug, null);
        const id = randomUUID();
        const now = ctx.now();
        await tx
          .insert(groups)
          .values({ ...data, id, tenantId: ctx.tenantId, createdAt: now, updatedAt: now });
        const detail = await detailOrThrow(tx, id);
        return {
          result: detail,
          audit: {
            action: "group.create",
            entityType: "group",
            entityId: id,
            summary: `Created group "${detail.slug}"`,
            changes: { after: toGroupAudit(detail) },
          },
          announce: { kind: "group", id },
        };
      });
    },

    async update(by, id, input) {
      const data = parseInput(groupUpdateSchema, input);
      return ctx.write(by, async (tx) => {
        const current = await lockGroup(tx, ctx.owned(groups), id);
        const issues = checkGroupTimeouts({ ...current, ...data });
        if (issues.length > 0) throw new AppError("VALIDATION_FAILED", undefined, { issues });
        if (data.slug !== undefined && data.slug !== current.slug) await assertSlugFree(tx, data.slug, id);
        await tx
          .update(groups)
          .set({ ...data, updatedAt: ctx.now() })
          .where(eq(groups.id, current.id));
        const after = await detailOrThrow(tx, current.id);
        return {
          result: after,
          audit: {
            action: "group.update",
            entityType: "group",
            entityId: current.id,
            summary: `Updated group "${after.slug}"`,
            changes: changedFields(
              toGroupAudit({ ...toGroup(current, 0), providers: [] }),
              toGroupAudit(after),
            ),
          },
          announce: { kind: "group", id: current.id },
        };
      });
    },

    async remove(by, id) {
      await ctx.write(
        by,
        async (tx) => {
          const current = await lockGroup(tx, ctx.owned(groups), id);
          const keys = await tx
            .select({ id: apiKeys.id, name: apiKeys.name })
            .from(apiKeys)
            .where(eq(apiKeys.groupId, current.id))
            .orderBy(asc(apiKeys.name));
          if (keys.length > 0) {
            throw new AppError(
              "GROUP_HAS_KEYS",
              `${keys.length} API key(s) are scoped to group "${current.slug}"; delete or re-scope them first.`,
              { apiKeys: keys },
            );
          }
          const before = await detailOrThrow(tx, current.id);
          await tx.delete(groups).where(eq(groups.id, current.id));
          return {
            result: undefined,
            audit: {
              action: "group.delete",
              entityType: "group",
              entityId: current.id,
              summary: `Deleted group "${current.slug}" and its ${before.providers.length} membership(s)`,
              changes: { before },
            },
            announce: { kind: "group", id: current.id },
          };
        },
        HAS_KEYS,
      );
    },

    ...createMembershipOperations(ctx),
  };
}

// The audit view leaves out derived fields that would only add noise to update diffs.
function toGroupAudit(detail: GroupDetail): Omit<GroupDetail, "memberCount" | "providers"> {
  const { memberCount: _memberCount, providers: _providers, ...rest } = detail;
  return rest;
}
