/**
 * How a provider's credential is sent upstream: `Authorization: Bearer`, `x-api-key`, not at all, or
 * `header:<name>` — as the value of the named header (`header:x-goog-api-key`, `header:api-key`), so a
 * credential never has to be an extra header.
 */
export const AUTH_STYLES = ["bearer", "x-api-key", "none"] as const;
export type FixedAuthStyle = (typeof AUTH_STYLES)[number];
export type AuthStyle = FixedAuthStyle | `header:${string}`;

/** Prefix of the auth styles that name the header carrying the credential. */
export const AUTH_STYLE_HEADER_PREFIX = "header:";

/** The lower-cased header name of a `header:<name>` auth style; null for the fixed styles. */
export function authHeaderNameOf(style: AuthStyle): string | null {
  return style.startsWith(AUTH_STYLE_HEADER_PREFIX)
    ? style.slice(AUTH_STYLE_HEADER_PREFIX.length).toLowerCase()
    : null;
}

/** The auth style of a provider created without one. */
export const DEFAULT_AUTH_STYLE = "bearer" satisfies AuthStyle;

/**
 * What every read shows instead of a provider's extra header value, and what a write sends to keep
 * the stored value (header values are secrets: sealed at rest, never shown).
 */
export const HEADER_VALUE_MASK = "••••••••";
