import { z } from "zod";
import { TENANT_ROLES, TENANT_TOKEN_ROLES } from "@/core/vocabulary/tenants";
import { nameSchema, timestampSchema } from "./common";
import { quotaSchema } from "./quota";
import { slugSchema } from "./groups";

/**
 * The tenant's quota: the same object as a key's (`requestsPerDay`, `tokensPerDay`, `tokensPerMonth`,
 * `costPerMonthUsd`; each optional, null = unlimited), shared by every key of the tenant and checked
 * together with the key's own. Null = no tenant quota.
 */
export const tenantQuotaSchema = quotaSchema.nullable();

/** POST /tenants. */
export const tenantCreateSchema = z.strictObject({
  name: nameSchema,
  slug: slugSchema,
  enabled: z.boolean().default(true),
  quota: tenantQuotaSchema.default(null),
});

/** PUT /tenants/{id}: partial. */
export const tenantUpdateSchema = z.strictObject({
  name: nameSchema.optional(),
  slug: slugSchema.optional(),
  enabled: z.boolean().optional(),
  quota: tenantQuotaSchema.optional(),
});

export const tenantSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  enabled: z.boolean(),
  quota: z.record(z.string(), z.number().nullable()).nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Tenant = z.infer<typeof tenantSchema>;

/** POST /tenants/{id}/members: adds the user, or changes its role. */
export const tenantMemberCreateSchema = z.strictObject({
  userId: z.string().min(1).max(200),
  role: z.enum(TENANT_ROLES),
});

export const tenantMemberSchema = z.object({
  userId: z.string(),
  username: z.string().nullable(),
  name: z.string(),
  role: z.enum(TENANT_ROLES),
  createdAt: timestampSchema,
});
export type TenantMember = z.infer<typeof tenantMemberSchema>;

/** DELETE /tenants/{id}/members?userId=… and DELETE /tenants/{id}/tokens?tokenId=…. */
export const tenantMemberDeleteQuerySchema = z.object({ userId: z.string() });
export const tenantTokenDeleteQuerySchema = z.object({ tokenId: z.uuid() });

/** POST /tenants/{id}/tokens. */
export const tenantTokenCreateSchema = z.strictObject({
  name: nameSchema,
  role: z.enum(TENANT_TOKEN_ROLES),
});

export const tenantTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(TENANT_TOKEN_ROLES),
  tokenMasked: z.string(),
  createdAt: timestampSchema,
  lastUsedAt: timestampSchema.nullable(),
});
export type TenantToken = z.infer<typeof tenantTokenSchema>;

/** The create answer: the token itself, shown this once. */
export const tenantTokenCreatedSchema = tenantTokenSchema.extend({ token: z.string() });
export type TenantTokenCreated = z.infer<typeof tenantTokenCreatedSchema>;

/** A tenant the caller may act in, with its role there (GET /me, the console's switcher). */
export const tenantMembershipSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  role: z.enum(TENANT_ROLES),
});
export type TenantMembership = z.infer<typeof tenantMembershipSchema>;
