/** How a provider's credential is sent upstream: `Authorization: Bearer`, `x-api-key`, or not at all. */
export const AUTH_STYLES = ["bearer", "x-api-key", "none"] as const;
export type AuthStyle = (typeof AUTH_STYLES)[number];

/** The auth style of a provider created without one. */
export const DEFAULT_AUTH_STYLE = "bearer" satisfies AuthStyle;
