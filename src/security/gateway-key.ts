import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export interface GeneratedGatewayKey {
  /** The full key; shown to the user exactly once and never stored. */
  readonly key: string;
  readonly digest: string;
  readonly prefix: string;
  readonly last4: string;
}

const KEY_PREFIX = "sk-";
const RANDOM_BYTES = 32;

/**
 * Makes a new gateway key: `sk-` + 32 random bytes, URL-safe base64. The keys carry 256 bits of
 * entropy, so a plain SHA-256 digest is as safe to store as an HMAC and survives SECRET_KEY rotation.
 */
export function generateGatewayKey(): GeneratedGatewayKey {
  const key = `${KEY_PREFIX}${randomBytes(RANDOM_BYTES).toString("base64url")}`;
  return { key, digest: digestGatewayKey(key), prefix: key.slice(0, 7), last4: key.slice(-4) };
}

/** The stored digest of a gateway key (hex SHA-256). */
export function digestGatewayKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Constant-time comparison of two hex digests of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, "hex"), Buffer.from(b, "hex"));
}

/** Display form of a key: `sk-AbCd…wXyZ`. */
export function maskGatewayKey(prefix: string, last4: string): string {
  return `${prefix}…${last4}`;
}
