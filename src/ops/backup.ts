import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { executeRows } from "@/db/execute-rows";
import { deriveKey, keyIdOf } from "@/security/secret-box";
import { activeSecretOf, OpsError, openOpsDatabase, type OpsEnv, type Print } from "./ops-context";

/**
 * `npm run backup`: one folder holding a consistent copy of the database and the key that opens its
 * credentials. Embedded: PGlite's own dump of its data folder (taken with the server stopped, since
 * PGlite is one process per folder). PostgreSQL: `pg_dump -Fc` (a consistent snapshot, online).
 */

export const BACKUP_FORMAT = 1;
export const PGLITE_DUMP_FILE = "database.pglite.tar.gz";
export const POSTGRES_DUMP_FILE = "database.pgdump";
export const BACKUP_KEY_FILE = "secret.key";
export const BACKUP_PREVIOUS_KEY_FILE = "secret.key.previous";
export const MANIFEST_FILE = "manifest.json";

/** What a backup folder says about itself (no secret in it). */
export interface BackupManifest {
  readonly format: typeof BACKUP_FORMAT;
  readonly kind: "pglite" | "postgres";
  readonly createdAt: string;
  readonly appVersion: string;
  /** Migrations applied to the database when it was dumped. */
  readonly migrations: number;
  /** Ids of the keys in the folder (the first is the active one): restore checks they open the credentials. */
  readonly keyIds: readonly string[];
  readonly rows: Readonly<Record<string, number>>;
}

export interface BackupOptions {
  readonly env: OpsEnv;
  /** The folder to create; it must not exist or be empty. */
  readonly out: string;
  readonly appVersion: string;
  readonly force: boolean;
  readonly print: Print;
  /** pg_dump executable (PG_DUMP, else `pg_dump` on PATH). */
  readonly pgDump?: string;
}

/** Writes a backup folder (database dump, key files, manifest); returns the manifest. */
export async function runBackup(options: BackupOptions): Promise<BackupManifest> {
  const { env, out } = options;
  assertEmptyOrMissing(out);
  const key = activeSecretOf(env);
  const database = await openOpsDatabase(env, options.force);
  let manifest: BackupManifest;
  try {
    mkdirSync(out, { recursive: true, mode: 0o700 });
    chmodSync(out, 0o700);
    const facts = await databaseFacts(database);
    if (database.kind === "pglite") {
      const dump = await database.dump!();
      writeFileSync(path.join(out, PGLITE_DUMP_FILE), Buffer.from(await dump.arrayBuffer()));
    } else {
      await pgDump(options.pgDump ?? "pg_dump", env.DATABASE_URL!, path.join(out, POSTGRES_DUMP_FILE));
    }
    const keyIds = [keyIdOf(deriveKey(key.secret))];
    writeSecretFile(path.join(out, BACKUP_KEY_FILE), key.secret);
    // Mid-rotation some values may still be sealed with the previous key: keep it too.
    if (env.SECRET_KEY_PREVIOUS) {
      writeSecretFile(path.join(out, BACKUP_PREVIOUS_KEY_FILE), env.SECRET_KEY_PREVIOUS);
      keyIds.push(keyIdOf(deriveKey(env.SECRET_KEY_PREVIOUS)));
    }
    manifest = {
      format: BACKUP_FORMAT,
      kind: database.kind,
      createdAt: new Date().toISOString(),
      appVersion: options.appVersion,
      migrations: facts.migrations,
      keyIds,
      rows: facts.rows,
    };
    writeFileSync(path.join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  } finally {
    await database.close();
  }
  options.print(`backup written to ${out} (${manifest.kind}, ${manifest.migrations} migrations)`);
  options.print(
    `it holds the secret key (${BACKUP_KEY_FILE}, mode 0600): store the folder as you store secrets`,
  );
  return manifest;
}

function assertEmptyOrMissing(out: string): void {
  if (existsSync(out) && readdirSync(out).length > 0) {
    throw new OpsError(`${out} exists and is not empty: name a new folder for the backup.`);
  }
}

function writeSecretFile(file: string, secret: string): void {
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

const COUNTED_TABLES = ["providers", "groups", "api_keys", "user", "alert_channels", "request_logs"];

/** Migration count and a few row counts: restore compares them, an operator reads them. */
export async function databaseFacts(
  database: Database,
): Promise<{ migrations: number; rows: Record<string, number> }> {
  const [migrations] = await executeRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  );
  const rows: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    const [row] = await executeRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from ${sql.identifier(table)}`,
    );
    rows[table] = row?.n ?? 0;
  }
  return { migrations: migrations?.n ?? 0, rows };
}

/** Runs pg_dump in custom format (a consistent snapshot while the instances keep serving). */
function pgDump(executable: string, url: string, file: string): Promise<void> {
  return runTool(executable, ["--format=custom", "--no-owner", "--no-privileges", `--file=${file}`], url);
}

/** Runs a PostgreSQL client tool against `url`; its password travels in PGPASSWORD, never in `ps`. */
export function runTool(executable: string, args: string[], url: string): Promise<void> {
  const target = new URL(url);
  const password = decodeURIComponent(target.password);
  target.password = "";
  return new Promise((resolve, reject) => {
    const child = spawn(executable, [...args, `--dbname=${target.toString()}`], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (err: NodeJS.ErrnoException) =>
      reject(
        new OpsError(
          err.code === "ENOENT"
            ? `${executable} was not found: install the PostgreSQL client tools (same major version as the server or newer), or set PG_DUMP / PG_RESTORE.`
            : `${executable} failed to start: ${err.message}`,
        ),
      ),
    );
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new OpsError(`${executable} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}
