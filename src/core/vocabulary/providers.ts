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

/** The auth style of a provider created without one, on a host not listed below. */
export const DEFAULT_AUTH_STYLE = "bearer" satisfies AuthStyle;

/**
 * Well-known hosts whose API does not take a Bearer credential: a provider created on one of them
 * without an `authStyle` gets this one (a Bearer header to Anthropic answers 401 and ejects the
 * provider with reason `auth`). Matched on the host name and its subdomains.
 */
export const WELL_KNOWN_AUTH_STYLES: readonly { readonly host: string; readonly authStyle: AuthStyle }[] = [
  { host: "anthropic.com", authStyle: "x-api-key" },
  { host: "generativelanguage.googleapis.com", authStyle: "header:x-goog-api-key" },
  { host: "openai.azure.com", authStyle: "header:api-key" },
];

/** The auth style a new provider gets when none is given: by well-known host, else `bearer`. */
export function defaultAuthStyleFor(baseUrl: string): AuthStyle {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase().replace(/\.$/, "");
  } catch {
    return DEFAULT_AUTH_STYLE;
  }
  const known = WELL_KNOWN_AUTH_STYLES.find((k) => host === k.host || host.endsWith(`.${k.host}`));
  return known?.authStyle ?? DEFAULT_AUTH_STYLE;
}

/**
 * What every read shows instead of a provider's extra header value, and what a write sends to keep
 * the stored value (header values are secrets: sealed at rest, never shown).
 */
export const HEADER_VALUE_MASK = "••••••••";
