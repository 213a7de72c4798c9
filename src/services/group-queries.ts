import { and, asc, eq, type SQL } from "drizzle-orm";
import type { GroupDetail } from "@/contracts/groups";
import { AppError } from "@/core/errors/catalogue";
import type { Db } from "@/db/client";
import { groupProviders, groups, providers, type GroupRow } from "@/db/schema";
import { toGroup, toMember } from "./mappers";
import { isUuid } from "./service-context";

/**
 * Loads a group's detail view (used after writes inside their transaction too); `owned` is the acting
 * tenant's condition (`ctx.owned(groups)`), so another tenant's group reads as missing.
 */
export async function loadGroupDetail(tx: Db, owned: SQL, id: string): Promise<GroupDetail | null> {
  const [row] = isUuid(id)
    ? await tx
        .select()
        .from(groups)
        .where(and(eq(groups.id, id), owned))
    : [];
  if (!row) return null;
  const members = await tx
    .select()
    .from(groupProviders)
    .innerJoin(providers, eq(providers.id, groupProviders.providerId))
    .where(eq(groupProviders.groupId, id))
    .orderBy(asc(groupProviders.priority), asc(providers.name));
  return {
    ...toGroup(row, members.length),
    providers: members.map((m) => toMember(m.group_providers, m.providers)),
  };
}

/** Locks a group row of the acting tenant (`owned`) for the transaction; GROUP_NOT_FOUND when missing. */
export async function lockGroup(tx: Db, owned: SQL, id: string): Promise<GroupRow> {
  const [row] = isUuid(id)
    ? await tx
        .select()
        .from(groups)
        .where(and(eq(groups.id, id), owned))
        .for("update")
    : [];
  if (!row) throw new AppError("GROUP_NOT_FOUND");
  return row;
}
