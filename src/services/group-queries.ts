import { asc, eq } from "drizzle-orm";
import type { GroupDetail } from "@/contracts/groups";
import { AppError } from "@/core/errors/catalogue";
import type { Db } from "@/db/client";
import { groupProviders, groups, providers, type GroupRow } from "@/db/schema";
import { toGroup, toMember } from "./mappers";
import { isUuid } from "./service-context";

/** Loads a group's detail view (used after writes inside their transaction too). */
export async function loadGroupDetail(tx: Db, id: string): Promise<GroupDetail | null> {
  const [row] = isUuid(id) ? await tx.select().from(groups).where(eq(groups.id, id)) : [];
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

/** Locks a group row for the rest of the transaction; GROUP_NOT_FOUND when missing. */
export async function lockGroup(tx: Db, id: string): Promise<GroupRow> {
  const [row] = isUuid(id) ? await tx.select().from(groups).where(eq(groups.id, id)).for("update") : [];
  if (!row) throw new AppError("GROUP_NOT_FOUND");
  return row;
}
