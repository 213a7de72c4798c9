import { randomBytes } from "node:crypto";
import { count, eq } from "drizzle-orm";
import type { Actor } from "@/contracts/actor";
import type { Db } from "@/db/client";
import { user } from "@/db/schema";
import { createUsersService, type PasswordHasher } from "@/services/users-service";

/**
 * First-run admin account. With ADMIN_USERNAME/ADMIN_PASSWORD set, that user is created when missing
 * (an existing user is never changed: its password may have been changed in the console since).
 * With neither set and no user at all, `admin` is created with a random password printed once.
 */

export interface EnsureAdminOptions {
  /** Password hashing as sign-in verifies it (`AppAuth`). */
  readonly auth: PasswordHasher;
  readonly db: Db;
  readonly adminUsername?: string;
  readonly adminPassword?: string;
  readonly logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Console output for the generated password (never the JSON logger, whose lines get shipped). */
  readonly print: (text: string) => void;
}

export type EnsureAdminResult =
  | {
      readonly outcome: "created";
      readonly userId: string;
      readonly username: string;
      readonly generated: boolean;
    }
  | { readonly outcome: "exists"; readonly userId: string; readonly username: string }
  | { readonly outcome: "skipped" };

export const DEFAULT_ADMIN_USERNAME = "admin";
const SYSTEM_ACTOR: Actor = { id: null, name: "system:bootstrap", role: "admin", via: "token" };

/** Creates the first admin when needed; idempotent across restarts. */
export async function ensureAdminUser(options: EnsureAdminOptions): Promise<EnsureAdminResult> {
  const users = createUsersService({ db: options.db, passwords: options.auth });
  const by = { actor: SYSTEM_ACTOR, ip: null };

  if (options.adminUsername && options.adminPassword) {
    const username = options.adminUsername.toLowerCase();
    const [existing] = await options.db
      .select({ id: user.id, role: user.role })
      .from(user)
      .where(eq(user.username, username));
    if (existing) {
      if (existing.role !== "admin") {
        options.logger.warn(
          { username },
          "ADMIN_USERNAME names an existing user who is not an admin; it was left unchanged",
        );
      }
      return { outcome: "exists", userId: existing.id, username };
    }
    const created = await createOrFindRacer(users, by, options.db, username, {
      username: options.adminUsername,
      password: options.adminPassword,
      role: "admin",
    });
    if (created.outcome === "created")
      options.logger.info({ username }, "created the admin user from ADMIN_USERNAME");
    return created;
  }

  const [{ total } = { total: 0 }] = await options.db.select({ total: count() }).from(user);
  if (total > 0) return { outcome: "skipped" };

  // 18 random bytes: 24 URL-safe characters, ~144 bits.
  const password = randomBytes(18).toString("base64url");
  const created = await createOrFindRacer(users, by, options.db, DEFAULT_ADMIN_USERNAME, {
    username: DEFAULT_ADMIN_USERNAME,
    password,
    role: "admin",
  });
  if (created.outcome !== "created") return created;
  options.print(
    [
      "",
      "  Roundabout created the first console user.",
      `    username: ${DEFAULT_ADMIN_USERNAME}`,
      `    password: ${password}`,
      "  It is shown only this once: sign in and change it, or set ADMIN_USERNAME/ADMIN_PASSWORD.",
      "",
    ].join("\n"),
  );
  options.logger.info(
    { username: DEFAULT_ADMIN_USERNAME },
    "created the first admin user (password printed once)",
  );
  return { ...created, generated: true };
}

/** Creates the user; when another instance created it first, reports it as existing instead of failing. */
async function createOrFindRacer(
  users: ReturnType<typeof createUsersService>,
  by: { actor: Actor; ip: null },
  db: Db,
  username: string,
  input: { username: string; password: string; role: "admin" },
): Promise<EnsureAdminResult> {
  try {
    const created = await users.create(by, input);
    return { outcome: "created", userId: created.id, username: created.username, generated: false };
  } catch (err) {
    const [existing] = await db.select({ id: user.id }).from(user).where(eq(user.username, username));
    if (existing) return { outcome: "exists", userId: existing.id, username };
    throw err;
  }
}
