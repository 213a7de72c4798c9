import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { createAuth } from "@/auth/auth";
import type { Actor } from "@/contracts/actor";
import { user } from "@/db/schema";
import { createUsersService } from "@/services/users-service";
import { createStore } from "@/store/create-store";
import { opsKeys, openOpsDatabase, OpsError, type OpsEnv, type Print } from "./ops-context";

/**
 * `npm run create-admin -- <username>`: creates an admin console user, or with `--reset` gives an
 * existing user a new password and the admin role (the way back in when every admin is locked out).
 * The password comes from standard input (or ADMIN_PASSWORD with ADMIN_USERNAME), else a random one is
 * printed once — never
 * from the command line, where `ps` and shell history would keep it.
 */

export interface CreateAdminOptions {
  readonly env: OpsEnv;
  readonly username: string;
  /** Null: generate one and print it. */
  readonly password: string | null;
  readonly reset: boolean;
  readonly force: boolean;
  readonly print: Print;
}

const OPS_ACTOR: Actor = { id: null, name: "cli:create-admin", role: "admin", via: "token" };

/** Creates (or with `reset`, resets) an admin user; returns its id. */
export async function runCreateAdmin(
  options: CreateAdminOptions,
): Promise<{ userId: string; created: boolean }> {
  const database = await openOpsDatabase(options.env, options.force);
  const store = await createStore({});
  try {
    const auth = createAuth({
      db: database.db,
      store,
      secret: opsKeys(options.env).authSecret,
      baseURL: "http://127.0.0.1",
    });
    const users = createUsersService({ db: database.db, passwords: auth });
    const by = { actor: OPS_ACTOR, ip: null };
    const password = options.password ?? randomBytes(18).toString("base64url");
    const username = options.username.toLowerCase();
    const [existing] = await database.db
      .select({ id: user.id })
      .from(user)
      .where(eq(user.username, username));
    let result: { userId: string; created: boolean };
    if (existing) {
      if (!options.reset) {
        throw new OpsError(
          `The user ${username} exists: pass --reset to set a new password and make them admin.`,
        );
      }
      await users.updateRole(by, existing.id, { role: "admin" });
      await users.resetPassword(by, existing.id, { password });
      result = { userId: existing.id, created: false };
    } else {
      const created = await users.create(by, { username: options.username, password, role: "admin" });
      result = { userId: created.id, created: true };
    }
    options.print(`${result.created ? "created" : "reset"} the admin user ${username}`);
    if (options.password === null) options.print(`password (shown once): ${password}`);
    return result;
  } finally {
    await store.close();
    await database.close();
  }
}
