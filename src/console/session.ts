import { actorSchema } from "@/contracts/actor";
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

/** Where the signed-in user acts (`GET /me`): the tenant, whether they see every tenant, and which they may switch to. */
export interface ConsoleIdentity {
  /** The role in the acting tenant: a tenant member's role there (owner/admin → admin), else the user's own. */
  role: UserRole;
  tenantId: string | null;
  /** A system user (sees every tenant: the Tenants page, the live stream, cost per tenant). */
  system: boolean;
  tenants: { id: string; slug: string; name: string }[];
}

/** Reads `GET /me` (only once signed in: signed out it could only answer 401). */
export async function fetchIdentity(signal?: AbortSignal): Promise<ConsoleIdentity> {
  const me = actorSchema.parse(await apiGet<unknown>(endpoints.me, { signal }));
  return {
    role: me.role,
    tenantId: me.tenant?.id ?? null,
    system: me.tenant?.system ?? false,
    tenants: me.tenants ?? [],
  };
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

const NEXT_BASE = "http://next.invalid";
const MAX_NEXT_LENGTH = 2048;
// Percent-decoding rounds checked: a value decoded more often than this is refused, not trusted.
const MAX_DECODE_ROUNDS = 4;

/** A form of `next` a browser or router could end up treating as another origin, or a broken one. */
function isUnsafeNextForm(text: string): boolean {
  // Browsers drop tabs and line breaks inside URLs (`/\t/evil` is `//evil`) and read `\` as `/`.
  return !text.startsWith("/") || text.startsWith("//") || /[\x00-\x1f\x7f\\]/.test(text);
}

/**
 * Where to go after signing in: the `next` parameter when it is a path on this site, else the
 * dashboard. Refused (→ `/`): anything not starting with one `/`, `//host`, backslashes, control
 * characters (tab, CR, LF…), schemes, the same tricks percent-encoded (once or several times),
 * malformed encodings, and the sign-in page itself. The answer is the path as a URL parser reads it.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (typeof next !== "string" || next === "" || next.length > MAX_NEXT_LENGTH) return "/";
  let form = next;
  for (let round = 0; ; round++) {
    if (isUnsafeNextForm(form)) return "/";
    let decoded: string;
    try {
      decoded = decodeURIComponent(form);
    } catch {
      return "/";
    }
    if (decoded === form) break;
    if (round === MAX_DECODE_ROUNDS) return "/";
    form = decoded;
  }
  let url: URL;
  try {
    url = new URL(next, NEXT_BASE);
  } catch {
    return "/";
  }
  if (url.origin !== NEXT_BASE) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // The sign-in page itself (however encoded) would only loop.
  if (isUnsafeNextForm(path) || /^\/sign-in(?:[/?#]|$)/i.test(form)) return "/";
  return path;
}
