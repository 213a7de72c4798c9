import type { Quota } from "@/contracts/quota";
import {
  tenantMemberSchema,
  tenantSchema,
  tenantTokenCreatedSchema,
  tenantTokenSchema,
  type Tenant,
  type TenantMember,
  type TenantToken,
  type TenantTokenCreated,
} from "@/contracts/tenants";
import type { TenantRole, TenantTokenRole } from "@/core/vocabulary/tenants";
import { apiDelete, apiPost, apiPut, readItems, readOne } from "../api-client";
import { endpoints } from "../endpoints";

/** Reads GET /tenants. */
export function selectTenants(body: unknown): Tenant[] {
  return readItems(body, tenantSchema);
}

/** Reads GET /tenants/{id}. */
export function selectTenant(body: unknown): Tenant {
  return readOne(body, tenantSchema);
}

/** Reads GET /tenants/{id}/members. */
export function selectMembers(body: unknown): TenantMember[] {
  return readItems(body, tenantMemberSchema);
}

/** Reads GET /tenants/{id}/tokens (masked). */
export function selectTokens(body: unknown): TenantToken[] {
  return readItems(body, tenantTokenSchema);
}

/** Creates a tenant. */
export async function createTenant(input: { name: string; slug: string }): Promise<Tenant> {
  return readOne(await apiPost<unknown>(endpoints.tenants, input), tenantSchema);
}

/** Changes the given fields of a tenant (name, slug, enabled, quota). */
export async function updateTenant(
  id: string,
  input: { name?: string; slug?: string; enabled?: boolean; quota?: Quota | null },
): Promise<Tenant> {
  return readOne(await apiPut<unknown>(endpoints.tenant(id), input), tenantSchema);
}

/** Deletes a tenant and everything it owns. */
export function deleteTenant(id: string): Promise<void> {
  return apiDelete(endpoints.tenant(id));
}

/** Makes a user a member (or changes its role). */
export async function setTenantMember(id: string, userId: string, role: TenantRole): Promise<TenantMember> {
  return readOne(await apiPost<unknown>(endpoints.tenantMembers(id), { userId, role }), tenantMemberSchema);
}

/** Removes a member. */
export function removeTenantMember(id: string, userId: string): Promise<void> {
  return apiDelete(`${endpoints.tenantMembers(id)}?${new URLSearchParams({ userId })}`);
}

/** Creates a tenant admin token; the answer carries it this once. */
export async function createTenantToken(
  id: string,
  input: { name: string; role: TenantTokenRole },
): Promise<TenantTokenCreated> {
  return readOne(await apiPost<unknown>(endpoints.tenantTokens(id), input), tenantTokenCreatedSchema);
}

/** Revokes a tenant admin token. */
export function revokeTenantToken(id: string, tokenId: string): Promise<void> {
  return apiDelete(`${endpoints.tenantTokens(id)}?${new URLSearchParams({ tokenId })}`);
}

/** A created token without its secret, for the list. */
export function tokenWithoutSecret(created: TenantTokenCreated): TenantToken {
  return tenantTokenSchema.parse(created);
}
