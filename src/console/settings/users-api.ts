import { userSchema, type User, type UserCreateInput } from "@/contracts/users";
import { type UserRole } from "@/core/vocabulary/users";
import { auditPageSchema, type AuditPage } from "@/contracts/audit";
import { apiDelete, apiGet, apiPatch, apiPost, readItems, readOne } from "../api-client";
import { endpoints } from "../endpoints";

/** Reads the user list out of GET /users (admins only). */
export function selectUsers(body: unknown): User[] {
  return readItems(body, userSchema);
}

/** Creates a console user. */
export async function createUser(input: UserCreateInput): Promise<User> {
  return readOne(await apiPost<unknown>(endpoints.users, input), userSchema);
}

/** Changes a user's role; rejects with LAST_ADMIN when it would leave no admin. */
export async function changeUserRole(id: string, role: UserRole): Promise<User> {
  return readOne(await apiPatch<unknown>(endpoints.userRole(id), { role }), userSchema);
}

/** Sets a new password for a user, who is then signed out everywhere. */
export async function resetUserPassword(id: string, password: string): Promise<void> {
  await apiPost(endpoints.userPassword(id), { password });
}

/** Deletes a user and their sessions; rejects with LAST_ADMIN for the last admin. */
export function deleteUser(id: string): Promise<void> {
  return apiDelete(endpoints.user(id));
}

/** One page of the audit log, newest first; pass the previous page's `nextCursor` for older entries. */
export async function fetchAuditPage(
  options: { cursor?: string; entityType?: string; limit?: number },
  signal?: AbortSignal,
): Promise<AuditPage> {
  const body = await apiGet<unknown>(endpoints.audit, {
    signal,
    query: { limit: options.limit ?? 30, cursor: options.cursor, entityType: options.entityType },
  });
  return readOne(body, auditPageSchema);
}
