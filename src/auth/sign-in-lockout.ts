import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { ERRORS } from "@/core/errors/catalogue";
import { DEFAULT_SIGN_IN_MAX_ATTEMPTS, DEFAULT_SIGN_IN_WINDOW_MS } from "@/core/vocabulary/users";
import type { Db } from "@/db/client";
import { user } from "@/db/schema";
import type { StateStore } from "@/store/types";

/**
 * Per-account lockout on sign-in, on top of better-auth's per-IP limiter: an attacker rotating
 * addresses still gets only `maxFailures` guesses per `windowMs` against one account. Unknown names are
 * counted the same way, so the lockout does not reveal which accounts exist.
 *
 * Every attempt is counted — atomically, in the state store's sliding window (one Redis script, or
 * synchronous in memory) — BEFORE the password is checked, and refused once the window is full. Counting
 * failures afterwards would let concurrent guesses all pass the check before the first failure lands
 * (20 parallel wrong passwords would all be evaluated). A successful sign-in starts a clean slate.
 */

export interface SignInLockoutOptions {
  readonly db: Db;
  readonly store: StateStore;
  /** Failed attempts admitted per window before the account is locked (default 5). */
  readonly maxFailures?: number;
  /** Sliding window in ms (default 15 minutes). */
  readonly windowMs?: number;
}

export const DEFAULT_MAX_FAILURES = DEFAULT_SIGN_IN_MAX_ATTEMPTS;
export const DEFAULT_LOCKOUT_WINDOW_MS = DEFAULT_SIGN_IN_WINDOW_MS;
const SIGN_IN_PATHS = new Set(["/sign-in/username", "/sign-in/email"]);

/** better-auth plugin refusing sign-in (429 TOO_MANY_LOGIN_ATTEMPTS) after too many failures per account. */
export function signInLockout(options: SignInLockoutOptions): BetterAuthPlugin {
  const maxFailures = options.maxFailures ?? DEFAULT_MAX_FAILURES;
  const windowMs = options.windowMs ?? DEFAULT_LOCKOUT_WINDOW_MS;
  const { store } = options;

  const accountKey = async (body: unknown): Promise<string | null> => {
    const identifier = identifierOf(body);
    if (!identifier) return null;
    const column = identifier.kind === "email" ? user.email : user.username;
    const rows = await options.db
      .select({ id: user.id })
      .from(user)
      .where(eq(column, identifier.value))
      .limit(1);
    // Hash what the client typed: store keys must not carry user input (whitespace, PII) verbatim.
    return rows[0] ? `u:${rows[0].id}` : `n:${sha256(`${identifier.kind}:${identifier.value}`)}`;
  };

  const generationOf = async (key: string) => (await store.get(`auth:gen:${key}`)) ?? "0";

  return {
    id: "roundabout-sign-in-lockout",
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path !== undefined && SIGN_IN_PATHS.has(ctx.path),
          handler: createAuthMiddleware(async (ctx) => {
            const key = await accountKey(ctx.body);
            if (!key) return;
            // Attempts are counted per "generation"; a successful sign-in starts a new one.
            const generation = await generationOf(key);
            const hit = await store.hitSlidingWindow(
              `auth:attempt:${key}:${generation}`,
              maxFailures,
              windowMs,
            );
            if (!hit.allowed) {
              throw new APIError(
                "TOO_MANY_REQUESTS",
                { code: "TOO_MANY_LOGIN_ATTEMPTS", message: ERRORS.TOO_MANY_LOGIN_ATTEMPTS.message },
                { "Retry-After": String(Math.max(1, Math.ceil(hit.retryAfterMs / 1000))) },
              );
            }
          }),
        },
      ],
      after: [
        {
          matcher: (ctx) => ctx.path !== undefined && SIGN_IN_PATHS.has(ctx.path),
          handler: createAuthMiddleware(async (ctx) => {
            if (isAPIError(ctx.context.returned)) return;
            const key = await accountKey(ctx.body);
            if (key?.startsWith("u:")) await store.incr(`auth:gen:${key}`);
          }),
        },
      ],
    },
  };
}

function identifierOf(body: unknown): { kind: "email" | "username"; value: string } | null {
  if (typeof body !== "object" || body === null) return null;
  const { username, email } = body as { username?: unknown; email?: unknown };
  // Both better-auth endpoints compare lower-cased values; count attempts the same way.
  if (typeof username === "string" && username.trim() !== "") {
    return { kind: "username", value: username.trim().toLowerCase() };
  }
  if (typeof email === "string" && email.trim() !== "")
    return { kind: "email", value: email.trim().toLowerCase() };
  return null;
}

function sha256(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex").slice(0, 32);
}
