/** Console user roles: `admin` may change everything, `viewer` only reads. */
export const USER_ROLES = ["admin", "viewer"] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** The role of a user created without one (the least privilege). */
export const DEFAULT_USER_ROLE = "viewer" satisfies UserRole;

/** Sign-in attempts per account (and own-password-change attempts per user) admitted per window. */
export const DEFAULT_SIGN_IN_MAX_ATTEMPTS = 5;
/** The sliding window of those attempts, ms (15 minutes). */
export const DEFAULT_SIGN_IN_WINDOW_MS = 15 * 60_000;
