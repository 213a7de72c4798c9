/**
 * Tenants: every config row, log and statistic belongs to one. An install that never creates a second
 * tenant keeps everything in the `default` one, whose id is fixed so the migration, the column
 * defaults and the code agree on it without a lookup.
 */
export const DEFAULT_TENANT_ID = "00000000-0000-4000-8000-000000000001";
export const DEFAULT_TENANT_SLUG = "default";
export const DEFAULT_TENANT_NAME = "Default";

/** A member's role inside one tenant: `owner` and `admin` write, `viewer` reads. */
export const TENANT_ROLES = ["owner", "admin", "viewer"] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/** Roles a tenant admin token may carry (`rbt-…`). */
export const TENANT_TOKEN_ROLES = ["admin", "viewer"] as const;
export type TenantTokenRole = (typeof TENANT_TOKEN_ROLES)[number];

/** The request header a system administrator (or the console) names the acting tenant with. */
export const TENANT_HEADER = "x-roundabout-tenant";

/** Prefix of tenant admin tokens, so they are recognisable (and never mistaken for gateway keys). */
export const TENANT_TOKEN_PREFIX = "rbt-";
