import { createHash, timingSafeEqual } from "node:crypto";

const BEARER = /^bearer\s+/i;

/** The token of an `Authorization: Bearer <token>` header; null when absent, empty or another scheme. */
export function bearerTokenOf(header: string | null | undefined): string | null {
  if (typeof header !== "string" || !BEARER.test(header)) return null;
  const token = header.replace(BEARER, "").trim();
  return token === "" ? null : token;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/**
 * A checker for one configured secret (admin token, metrics token, cron secret). Both sides are
 * compared as SHA-256 digests, so the comparison takes the same time whatever the presented length.
 */
export function createSecretMatcher(secret: string): (presented: string | null) => boolean {
  const expected = sha256(secret);
  return (presented) => presented !== null && timingSafeEqual(sha256(presented), expected);
}
