import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { openDatabase, type Database } from "@/db/client";
import { executeRows } from "@/db/execute-rows";
import { SECRET_KEY_FILE } from "@/security/master-key";
import { createSecretBox, deriveKey, keyIdOf } from "@/security/secret-box";
import {
  BACKUP_FORMAT,
  BACKUP_KEY_FILE,
  BACKUP_PREVIOUS_KEY_FILE,
  databaseFacts,
  MANIFEST_FILE,
  PGLITE_DUMP_FILE,
  POSTGRES_DUMP_FILE,
  runTool,
  type BackupManifest,
} from "./backup";
import { OpsError, pgliteDirOf, type OpsEnv, type Print } from "./ops-context";
import { walkSealedValues, type SealedValuesReport } from "./sealed-values";

/**
 * `npm run restore -- <folder>`: puts a backup back into an empty target — a fresh DATA_DIR for the
 * embedded database (with its key file), an empty PostgreSQL database for `DATABASE_URL` — then opens
 * every sealed credential with the backup's key to prove the pair is whole.
 */

const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  kind: z.enum(["pglite", "postgres"]),
  createdAt: z.string(),
  appVersion: z.string(),
  migrations: z.number().int(),
  keyIds: z.array(z.string()).min(1),
  rows: z.record(z.string(), z.number()),
});

export interface RestoreOptions {
  readonly env: OpsEnv;
  /** The backup folder `npm run backup` wrote. */
  readonly from: string;
  readonly print: Print;
  /** pg_restore executable (PG_RESTORE, else `pg_restore` on PATH). */
  readonly pgRestore?: string;
}

export interface RestoreResult {
  readonly manifest: BackupManifest;
  readonly sealed: SealedValuesReport;
}

/** Restores a backup folder into the configured, empty target and verifies its credentials open. */
export async function runRestore(options: RestoreOptions): Promise<RestoreResult> {
  const { env, from } = options;
  const manifest = readManifest(from);
  const secrets = readBackupKeys(from, manifest);
  const target = env.DATABASE_URL ? "postgres" : "pglite";
  if (manifest.kind !== target) {
    throw new OpsError(
      manifest.kind === "pglite"
        ? "This backup is of an embedded database, but DATABASE_URL is set: unset it to restore into DATA_DIR (moving to PostgreSQL is a migration, see docs/operations.md)."
        : "This backup is of a PostgreSQL database: set DATABASE_URL to an empty database to restore it.",
    );
  }
  const database =
    manifest.kind === "pglite"
      ? await restorePglite(env, from)
      : await restorePostgres(env.DATABASE_URL!, from, options.pgRestore ?? "pg_restore");
  try {
    const facts = await databaseFacts(database);
    if (facts.migrations !== manifest.migrations) {
      throw new OpsError(
        `The restored database has ${facts.migrations} migrations, the backup said ${manifest.migrations}: the dump is damaged.`,
      );
    }
    const keys = secrets.map((secret) => {
      const key = deriveKey(secret);
      return { id: keyIdOf(key), key };
    });
    const box = createSecretBox({ keys, activeKeyId: keys[0]!.id });
    const sealed = await walkSealedValues(database.db, box, "verify");
    if (manifest.kind === "pglite") placeKeyFile(env, secrets[0]!, options.print);
    else explainPostgresKey(env, secrets[0]!, options.print);
    options.print(
      `restored ${manifest.kind} backup of ${manifest.createdAt}: ${JSON.stringify(facts.rows)}; ` +
        `${sealed.opened} sealed values open, ${sealed.failures.length} do not`,
    );
    for (const failure of sealed.failures) {
      options.print(`  cannot open ${failure.table} ${failure.id} ${failure.field}: ${failure.reason}`);
    }
    return { manifest, sealed };
  } finally {
    await database.close();
  }
}

function readManifest(from: string): BackupManifest {
  const file = path.join(from, MANIFEST_FILE);
  if (!existsSync(file)) throw new OpsError(`${from} is not a Roundabout backup (no ${MANIFEST_FILE}).`);
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new OpsError(`${file} is not a backup manifest this version reads.`);
  return parsed.data;
}

/** The backup's keys, active first; each must match the id the manifest recorded. */
function readBackupKeys(from: string, manifest: BackupManifest): string[] {
  const files = [BACKUP_KEY_FILE, BACKUP_PREVIOUS_KEY_FILE].slice(0, manifest.keyIds.length);
  return files.map((name, index) => {
    const file = path.join(from, name);
    if (!existsSync(file))
      throw new OpsError(`${file} is missing: the backup's credentials cannot be opened.`);
    const secret = readFileSync(file, "utf8").trim();
    if (keyIdOf(deriveKey(secret)) !== manifest.keyIds[index]) {
      throw new OpsError(`${file} is not the key this backup was taken with.`);
    }
    return secret;
  });
}

async function restorePglite(env: OpsEnv, from: string): Promise<Database> {
  const dir = pgliteDirOf(env);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new OpsError(
      `${dir} is not empty: restore into a fresh DATA_DIR (move the current one away first).`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const dump = new Blob([readFileSync(path.join(from, PGLITE_DUMP_FILE))]);
  return openDatabase({ dataDir: dir, loadDataDir: dump });
}

async function restorePostgres(url: string, from: string, executable: string): Promise<Database> {
  const database = await openDatabase({ url, poolSize: 2 });
  try {
    const [row] = await executeRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from information_schema.tables where table_schema in ('public', 'drizzle')`,
    );
    if ((row?.n ?? 0) > 0) {
      throw new OpsError("The database DATABASE_URL names is not empty: restore into a new, empty database.");
    }
    await runTool(
      executable,
      ["--no-owner", "--no-privileges", "--exit-on-error", path.join(from, POSTGRES_DUMP_FILE)],
      url,
    );
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** Embedded: the key file goes back beside the database, unless SECRET_KEY is what the server will use. */
function placeKeyFile(env: OpsEnv, secret: string, print: Print): void {
  const file = path.join(env.DATA_DIR, SECRET_KEY_FILE);
  if (existsSync(file) && readFileSync(file, "utf8").trim() !== secret) {
    throw new OpsError(`${file} exists with another key: restore into a fresh DATA_DIR.`);
  }
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  if (env.SECRET_KEY && env.SECRET_KEY !== secret) {
    print(
      "SECRET_KEY is set to another key: the server opens the restored credentials with the key file as well, " +
        "and `npm run rotate-secret` moves them under SECRET_KEY.",
    );
  }
}

function explainPostgresKey(env: OpsEnv, secret: string, print: Print): void {
  if (env.SECRET_KEY === secret) return;
  print(
    "Start the instances with SECRET_KEY set to the content of the backup's secret.key " +
      "(or keep a new SECRET_KEY, set SECRET_KEY_PREVIOUS to the backup's key and run `npm run rotate-secret`).",
  );
}
