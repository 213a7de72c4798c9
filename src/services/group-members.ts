import { and, eq } from "drizzle-orm";
import {
  memberCreateSchema,
  memberOrderSchema,
  memberUpdateSchema,
  type GroupDetail,
} from "@/contracts/groups";
import { AppError } from "@/core/errors/catalogue";
import type { Db } from "@/db/client";
import { groupProviders, groups, providers, type GroupProviderRow, type GroupRow } from "@/db/schema";
import { loadGroupDetail, lockGroup } from "./group-queries";
import {
  isUuid,
  parseInput,
  type ServiceContext,
  type WriteContext,
  type WriteOutcome,
} from "./service-context";

export interface MembershipOperations {
  /** Adds a provider to a group; PROVIDER_NOT_FOUND (404) for a missing provider, MEMBER_EXISTS twice. */
  addMember(by: WriteContext, groupId: string, input: unknown): Promise<GroupDetail>;
  /** Changes a membership's priority, weight override or enabled flag. */
  updateMember(by: WriteContext, groupId: string, providerId: string, input: unknown): Promise<GroupDetail>;
  /** Removes a provider from a group (the provider itself stays). */
  removeMember(by: WriteContext, groupId: string, providerId: string): Promise<GroupDetail>;
  /** Sets every member's priority in one call; the list must name exactly the current members. */
  reorderMembers(by: WriteContext, groupId: string, input: unknown): Promise<GroupDetail>;
}

// A membership inserted for a provider deleted concurrently: same answer as the pre-check.
const MISSING_PROVIDER = { group_providers_provider_id_providers_id_fk: "PROVIDER_NOT_FOUND" } as const;

/** Membership writes; every one audits and announces as a change of its group. */
export function createMembershipOperations(ctx: ServiceContext): MembershipOperations {
  async function lockMember(tx: Db, group: GroupRow, providerId: string): Promise<GroupProviderRow> {
    const [row] = isUuid(providerId)
      ? await tx
          .select()
          .from(groupProviders)
          .where(and(eq(groupProviders.groupId, group.id), eq(groupProviders.providerId, providerId)))
          .for("update")
      : [];
    if (!row) throw new AppError("MEMBER_NOT_FOUND", undefined, { groupId: group.id, providerId });
    return row;
  }

  async function finish(
    tx: Db,
    group: GroupRow,
    action: string,
    summary: string,
    changes: Record<string, unknown>,
  ): Promise<WriteOutcome<GroupDetail>> {
    const detail = await loadGroupDetail(tx, ctx.owned(groups), group.id);
    if (!detail) throw new AppError("GROUP_NOT_FOUND");
    return {
      result: detail,
      audit: { action, entityType: "group", entityId: group.id, summary, changes },
      announce: { kind: "group", id: group.id },
    };
  }

  return {
    async addMember(by, groupId, input) {
      const data = parseInput(memberCreateSchema, input);
      return ctx.write(
        by,
        async (tx) => {
          const group = await lockGroup(tx, ctx.owned(groups), groupId);
          const [provider] = await tx
            .select({ id: providers.id, name: providers.name })
            .from(providers)
            .where(and(eq(providers.id, data.providerId), ctx.owned(providers)));
          if (!provider) {
            throw new AppError("PROVIDER_NOT_FOUND", undefined, {
              field: "providerId",
              providerId: data.providerId,
            });
          }
          const [existing] = await tx
            .select({ providerId: groupProviders.providerId })
            .from(groupProviders)
            .where(and(eq(groupProviders.groupId, group.id), eq(groupProviders.providerId, provider.id)));
          if (existing) throw new AppError("MEMBER_EXISTS", undefined, { providerId: provider.id });
          await tx.insert(groupProviders).values({ groupId: group.id, ...data, createdAt: ctx.now() });
          return finish(tx, group, "group.member.add", `Added "${provider.name}" to group "${group.slug}"`, {
            member: { provider: provider.name, ...data },
          });
        },
        MISSING_PROVIDER,
      );
    },

    async updateMember(by, groupId, providerId, input) {
      const data = parseInput(memberUpdateSchema, input);
      return ctx.write(by, async (tx) => {
        const group = await lockGroup(tx, ctx.owned(groups), groupId);
        const current = await lockMember(tx, group, providerId);
        await tx
          .update(groupProviders)
          .set(data)
          .where(
            and(eq(groupProviders.groupId, group.id), eq(groupProviders.providerId, current.providerId)),
          );
        const changes: Record<string, unknown> = { providerId: current.providerId };
        for (const key of ["priority", "weight", "enabled", "models", "modelMap"] as const) {
          if (data[key] !== undefined && JSON.stringify(data[key]) !== JSON.stringify(current[key])) {
            changes[key] = { from: current[key], to: data[key] };
          }
        }
        return finish(
          tx,
          group,
          "group.member.update",
          `Updated a membership of group "${group.slug}"`,
          changes,
        );
      });
    },

    async removeMember(by, groupId, providerId) {
      return ctx.write(by, async (tx) => {
        const group = await lockGroup(tx, ctx.owned(groups), groupId);
        const current = await lockMember(tx, group, providerId);
        await tx
          .delete(groupProviders)
          .where(
            and(eq(groupProviders.groupId, group.id), eq(groupProviders.providerId, current.providerId)),
          );
        return finish(tx, group, "group.member.remove", `Removed a provider from group "${group.slug}"`, {
          before: { providerId: current.providerId, priority: current.priority, weight: current.weight },
        });
      });
    },

    async reorderMembers(by, groupId, input) {
      const data = parseInput(memberOrderSchema, input);
      return ctx.write(by, async (tx) => {
        const group = await lockGroup(tx, ctx.owned(groups), groupId);
        const members = await tx
          .select()
          .from(groupProviders)
          .where(eq(groupProviders.groupId, group.id))
          .for("update");
        const current = new Map(members.map((m) => [m.providerId, m]));
        const named = new Set(data.order.map((entry) => entry.providerId));
        const missing = members.filter((m) => !named.has(m.providerId)).map((m) => m.providerId);
        const unknown = data.order.filter((entry) => !current.has(entry.providerId)).map((e) => e.providerId);
        if (missing.length > 0 || unknown.length > 0) {
          throw new AppError(
            "MEMBER_ORDER_MISMATCH",
            `The order must name exactly the group's ${members.length} current member(s).`,
            { missing, unknown },
          );
        }
        const changes: Record<string, { from: number; to: number }> = {};
        for (const entry of data.order) {
          const before = current.get(entry.providerId)!.priority;
          if (before === entry.priority) continue;
          changes[entry.providerId] = { from: before, to: entry.priority };
          await tx
            .update(groupProviders)
            .set({ priority: entry.priority })
            .where(
              and(eq(groupProviders.groupId, group.id), eq(groupProviders.providerId, entry.providerId)),
            );
        }
        return finish(tx, group, "group.member.reorder", `Reordered the members of group "${group.slug}"`, {
          priorities: changes,
        });
      });
    },
  };
}
