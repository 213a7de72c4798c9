import { randomBytes } from "node:crypto";
import { TENANT_TOKEN_PREFIX } from "../core/vocabulary/tenants";
import { digestGatewayKey, type GeneratedGatewayKey } from "./gateway-key";

/**
 * Makes a tenant admin token: `rbt-` + 32 random bytes, URL-safe base64. Stored as its SHA-256 digest
 * like gateway keys (256 bits of entropy make a plain digest as safe as an HMAC).
 */
export function generateTenantToken(): GeneratedGatewayKey {
  const key = `${TENANT_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { key, digest: digestGatewayKey(key), prefix: key.slice(0, 8), last4: key.slice(-4) };
}

/** True when a bearer value has the shape of a tenant token (so it is looked up, not refused). */
export function looksLikeTenantToken(value: string): boolean {
  return value.startsWith(TENANT_TOKEN_PREFIX) && value.length > TENANT_TOKEN_PREFIX.length + 20;
}
