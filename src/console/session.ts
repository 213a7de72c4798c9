import { DEFAULT_USER_ROLE, USER_ROLES, type UserRole } from "@/core/vocabulary/users";
import { apiGet, apiPost } from "./api-client";
import { endpoints } from "./endpoints";

/** The signed-in console user, as the header shows it. */
export interface SessionUser {
  id: string;
  /** What to call the user: the username as typed at creation. */
  displayName: string;
  username: string;
  role: UserRole;
}

/** Reads the current session from better-auth; null when nobody is signed in. */
export async function fetchSession(signal?: AbortSignal): Promise<SessionUser | null> {
  const body = await apiGet<unknown>(endpoints.session, { signal });
  return toSessionUser(body);
}

/** Signs in with username and password; throws ApiError (401 wrong credentials, 429 too many attempts). */
export async function signInWithUsername(username: string, password: string): Promise<void> {
  await apiPost(endpoints.signInUsername, { username, password });
}

/** Ends the session on the server (the cookie is cleared by the answer). */
export async function signOut(): Promise<void> {
  await apiPost(endpoints.signOut, {});
}

/** Turns better-auth's get-session answer (`{ session, user } | null`) into a SessionUser. */
export function toSessionUser(body: unknown): SessionUser | null {
  if (typeof body !== "object" || body === null) return null;
  const user = (body as { user?: unknown }).user;
  if (typeof user !== "object" || user === null) return null;
  const fields = user as Record<string, unknown>;
  const text = (name: string) => (typeof fields[name] === "string" ? (fields[name] as string) : "");
  const role = USER_ROLES.find((name) => name === fields.role) ?? DEFAULT_USER_ROLE;
  const username = text("username") || text("name");
  return {
    id: text("id"),
    displayName: text("displayUsername") || username || text("email"),
    username,
    role,
  };
}

/**
 * Where to go after signing in: the `next` parameter when it is a path on this site (never another
 * origin: `//host` and `/\host` are refused), else the dashboard.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next.startsWith("/sign-in")) return "/";
  return next;
}
