import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Env } from "@/config/env";
import { openDatabase, type Database } from "@/db/client";
import { resolveMasterKeys, SECRET_KEY_FILE, type MasterKeys } from "@/security/master-key";
import { createSecretBox, type SecretBox } from "@/security/secret-box";

/**
 * What every operator command shares: where the database is, the key ring, and a guard against
 * opening an embedded database a running server holds (PGlite is one process per folder).
 */

/** The settings an operator command reads (a subset of the parsed environment). */
export type OpsEnv = Pick<Env, "DATABASE_URL" | "DATA_DIR" | "SECRET_KEY" | "SECRET_KEY_PREVIOUS">;

/** Raised for a refusal the operator can act on; the CLI prints its message without a stack. */
export class OpsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OpsError";
  }
}

/** Console output of a command (tests collect it). */
export type Print = (line: string) => void;

/** The embedded database folder under DATA_DIR. */
export function pgliteDirOf(env: Pick<OpsEnv, "DATA_DIR">): string {
  return path.resolve(env.DATA_DIR, "pglite");
}

/**
 * Refuses to open an embedded database that looks open elsewhere: PGlite writes `postmaster.pid` while
 * open and removes it on close. A server killed with -9 leaves it behind: `--force` then goes on.
 */
export function assertEmbeddedClosed(env: Pick<OpsEnv, "DATA_DIR">, force: boolean): void {
  const pid = path.join(pgliteDirOf(env), "postmaster.pid");
  if (!force && existsSync(pid)) {
    throw new OpsError(
      `The embedded database in ${pgliteDirOf(env)} is open (postmaster.pid exists): stop Roundabout first — ` +
        "PGlite serves one process per folder. If it is stopped (it crashed or was killed), run again with --force.",
    );
  }
}

/** Opens the configured database (migrations are not applied: the server does that at start). */
export async function openOpsDatabase(env: OpsEnv, force: boolean): Promise<Database> {
  if (env.DATABASE_URL) return openDatabase({ url: env.DATABASE_URL, poolSize: 2 });
  assertEmbeddedClosed(env, force);
  const dir = pgliteDirOf(env);
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    throw new OpsError(`There is no embedded database in ${dir} (DATA_DIR=${env.DATA_DIR}).`);
  }
  return openDatabase({ dataDir: dir });
}

/** The key ring as the server resolves it, without ever generating a key file. */
export function opsKeys(env: OpsEnv): MasterKeys {
  const embedded = !env.DATABASE_URL;
  if (embedded && !env.SECRET_KEY && !existsSync(path.join(env.DATA_DIR, SECRET_KEY_FILE))) {
    throw new OpsError(
      `Neither SECRET_KEY nor ${path.join(env.DATA_DIR, SECRET_KEY_FILE)} is there: the sealed credentials cannot be opened.`,
    );
  }
  return resolveMasterKeys({
    secretKey: env.SECRET_KEY,
    previousSecretKey: env.SECRET_KEY_PREVIOUS,
    dataDir: env.DATA_DIR,
    embedded,
    logger: { warn: () => {} },
  });
}

/** The secret box over the configured key ring. */
export function opsSecretBox(env: OpsEnv): SecretBox {
  const keys = opsKeys(env);
  return createSecretBox({ keys: keys.keys, activeKeyId: keys.activeKeyId });
}

/** The active secret as text (SECRET_KEY, else the embedded key file), for a backup to keep. */
export function activeSecretOf(env: OpsEnv): { secret: string; source: "env" | "file" } {
  if (env.SECRET_KEY) return { secret: env.SECRET_KEY, source: "env" };
  const file = path.join(env.DATA_DIR, SECRET_KEY_FILE);
  if (!existsSync(file)) {
    throw new OpsError(`Neither SECRET_KEY nor ${file} is there: there is no key to back up.`);
  }
  return { secret: readFileSync(file, "utf8").trim(), source: "file" };
}
