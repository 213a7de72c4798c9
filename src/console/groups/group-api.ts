import {
  groupDetailSchema,
  groupSchema,
  type Group,
  type GroupCreateInput,
  type GroupDetail,
  type GroupUpdateInput,
  type MemberCreateInput,
  type MemberUpdateInput,
} from "@/contracts/groups";
import { apiDelete, apiPost, apiPut, readItems, readOne } from "../api-client";
import { endpoints } from "../endpoints";

/** Reads the group list out of GET /groups. */
export function selectGroups(body: unknown): Group[] {
  return readItems(body, groupSchema);
}

/** Reads one group with its members (GET /groups/{id} and every membership write). */
export function selectGroupDetail(body: unknown): GroupDetail {
  return readOne(body, groupDetailSchema);
}

/** Creates a group and returns it (with its, still empty, member list). */
export async function createGroup(input: GroupCreateInput): Promise<GroupDetail> {
  return selectGroupDetail(await apiPost<unknown>(endpoints.groups, input));
}

/** Changes the given fields of a group and returns it with its members. */
export async function updateGroup(id: string, input: GroupUpdateInput): Promise<GroupDetail> {
  return selectGroupDetail(await apiPut<unknown>(endpoints.group(id), input));
}

/** Deletes a group; rejects with GROUP_HAS_KEYS (details.apiKeys) while keys are scoped to it. */
export function deleteGroup(id: string): Promise<void> {
  return apiDelete(endpoints.group(id));
}

/** Adds a provider to the group and returns the group with its members. */
export async function addMember(groupId: string, input: MemberCreateInput): Promise<GroupDetail> {
  return selectGroupDetail(await apiPost<unknown>(endpoints.groupMembers(groupId), input));
}

/** Changes one membership (priority, weight override, enabled). */
export async function updateMember(
  groupId: string,
  providerId: string,
  input: MemberUpdateInput,
): Promise<GroupDetail> {
  return selectGroupDetail(await apiPut<unknown>(endpoints.groupMember(groupId, providerId), input));
}

/** Removes a provider from the group. */
export function removeMember(groupId: string, providerId: string): Promise<void> {
  return apiDelete(endpoints.groupMember(groupId, providerId));
}

/** Sets every member's priority in one call. */
export async function reorderMembers(
  groupId: string,
  order: { providerId: string; priority: number }[],
): Promise<GroupDetail> {
  return selectGroupDetail(await apiPut<unknown>(endpoints.groupOrder(groupId), { order }));
}

/** The API keys named in a GROUP_HAS_KEYS error's details. */
export function readKeysInGroup(details: unknown): { id: string; name: string }[] {
  const keys =
    typeof details === "object" && details !== null ? (details as { apiKeys?: unknown }).apiKeys : undefined;
  if (!Array.isArray(keys)) return [];
  return keys.filter(
    (key): key is { id: string; name: string } =>
      typeof key === "object" &&
      key !== null &&
      typeof (key as { id?: unknown }).id === "string" &&
      typeof (key as { name?: unknown }).name === "string",
  );
}
