/** Every URL the console calls, in one place, so a route change is a one-line edit. */
const ADMIN = "/api/admin";
const AUTH = "/api/auth";

export const endpoints = {
  overview: `${ADMIN}/overview`,
  providers: `${ADMIN}/providers`,
  provider: (id: string) => `${ADMIN}/providers/${encodeURIComponent(id)}`,
  providerToggle: (id: string) => `${ADMIN}/providers/${encodeURIComponent(id)}/toggle`,
  groups: `${ADMIN}/groups`,
  apiKeys: `${ADMIN}/api-keys`,
  /** The signed-in user changes their own password (the admin API owns password changes). */
  ownPassword: `${ADMIN}/me/password`,
  signInUsername: `${AUTH}/sign-in/username`,
  signOut: `${AUTH}/sign-out`,
  session: `${AUTH}/get-session`,
} as const;
