/** Console user roles: `admin` may change everything, `viewer` only reads. */
export const USER_ROLES = ["admin", "viewer"] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** The role of a user created without one (the least privilege). */
export const DEFAULT_USER_ROLE = "viewer" satisfies UserRole;
