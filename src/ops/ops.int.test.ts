import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it, inject } from "vitest";
import { createAuth } from "@/auth/auth";
import { openDatabase, type Database } from "@/db/client";
import { account, alertChannels, providers, user } from "@/db/schema";
import { createLogger } from "@/observability/logger";
import { resolveMasterKeys } from "@/security/master-key";
import { openProviderHeaders } from "@/security/provider-header-secrets";
import { createSecretBox, deriveKey, keyIdOf, type SecretBox } from "@/security/secret-box";
import { createMemoryStore } from "@/store/memory-store";
import { createTestAdminServices } from "@/testing/test-admin-services";
import {
  createEmptyPostgresDatabase,
  openTestDatabase,
  type TestDatabaseKind,
} from "@/testing/test-database";
import { runOpsCli } from "./cli";
import { BACKUP_KEY_FILE, MANIFEST_FILE } from "./backup";

/**
 * The operator commands on both drivers, as an operator runs them: seed credentials, back up, restore
 * into a fresh target, check every credential opens there with the restored key, rotate the key, check
 * every credential opens with the new key alone, create and reset an admin.
 */

const CREDENTIAL = `cred-${randomBytes(12).toString("hex")}`;
const HEADER_VALUE = `hdr-${randomBytes(12).toString("hex")}`;
const HOOK_SECRET = `hook-${randomBytes(12).toString("hex")}`;
const ADMIN_PASSWORD = `pw-${randomBytes(12).toString("hex")}`;
const logger = createLogger("silent");
const tmp = mkdtempSync(path.join(os.tmpdir(), "rb-ops-"));

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Ran {
  code: number;
  out: string[];
  err: string[];
}

async function ops(argv: string[], env: Record<string, string>, stdin: string | null = null): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runOpsCli(
    argv,
    { NODE_ENV: "test", ...env },
    {
      print: (line) => out.push(line),
      error: (line) => err.push(line),
      readStdin: async () => stdin,
      appVersion: "test",
    },
  );
  return { code, out, err };
}

function boxOf(...secrets: string[]): SecretBox {
  const keys = secrets.map((secret) => {
    const key = deriveKey(secret);
    return { id: keyIdOf(key), key };
  });
  return createSecretBox({ keys, activeKeyId: keys[0]!.id });
}

/** Seeds a provider (credential + sealed header), a signed webhook channel; returns their ids. */
async function seed(database: Database, box: SecretBox): Promise<{ providerId: string; channelId: string }> {
  const store = createMemoryStore();
  const t = createTestAdminServices({ db: database.db, store, sealer: box, logger });
  const by = { actor: { id: null, name: "test", role: "admin" as const, via: "token" as const }, ip: null };
  try {
    const provider = await t.services.providers.create(by, {
      name: "upstream-a",
      baseUrl: "http://127.0.0.1:9/v1",
      apiKey: CREDENTIAL,
      headers: { "x-goog-api-key": HEADER_VALUE },
    });
    const channel = await t.services.alerts.channels.create(by, {
      name: "hook",
      config: { type: "webhook", url: "http://127.0.0.1:9/hook/abcdefghijkl", secret: HOOK_SECRET },
    });
    return { providerId: provider.id, channelId: channel.id };
  } finally {
    await t.close();
    await store.close();
  }
}

/** Every sealed value opens with `box` alone and names its active key. */
async function expectCredentialsOpen(
  database: Database,
  box: SecretBox,
  ids: { providerId: string; channelId: string },
) {
  const [row] = await database.db.select().from(providers).where(eq(providers.id, ids.providerId));
  expect(box.open(row!.apiKeyCipher!, row!.id)).toBe(CREDENTIAL);
  expect(openProviderHeaders(row!, (s, aad) => box.open(s, aad))).toEqual({ "x-goog-api-key": HEADER_VALUE });
  const [channel] = await database.db.select().from(alertChannels).where(eq(alertChannels.id, ids.channelId));
  expect(JSON.parse(box.open(channel!.secretsCipher, channel!.id))).toMatchObject({ secret: HOOK_SECRET });
  for (const sealed of [row!.apiKeyCipher!, ...Object.values(row!.headers), channel!.secretsCipher]) {
    expect(sealed.split(".")[1]).toBe(box.activeKeyId);
  }
}

async function expectAdminSignsIn(database: Database, username: string, password: string) {
  const [found] = await database.db
    .select({ hash: account.password, role: user.role })
    .from(user)
    .innerJoin(account, eq(account.userId, user.id))
    .where(eq(user.username, username));
  expect(found?.role).toBe("admin");
  const auth = createAuth({
    db: database.db,
    store: createMemoryStore(),
    secret: "x".repeat(40),
    baseURL: "http://127.0.0.1",
  });
  expect(await auth.verifyPassword(found!.hash!, password)).toBe(true);
}

interface Source {
  env: Record<string, string>;
  open(): Promise<Database>;
  /** The environment of a fresh, empty restore target. */
  target(): Promise<Record<string, string>>;
  /** The active secret the source runs with. */
  secret: string;
}

async function pgliteSource(): Promise<Source> {
  const dataDir = mkdtempSync(path.join(tmp, "src-"));
  const template = new Blob([readFileSync(inject("pgliteTemplateFile"))]);
  const first = await openDatabase({ dataDir: path.join(dataDir, "pglite"), loadDataDir: template });
  await first.close();
  // No SECRET_KEY: the embedded key file, generated as the server does on a first start.
  resolveMasterKeys({ dataDir, embedded: true, logger: { warn: () => {} } });
  return {
    env: { DATA_DIR: dataDir },
    open: () => openDatabase({ dataDir: path.join(dataDir, "pglite") }),
    target: async () => ({ DATA_DIR: mkdtempSync(path.join(tmp, "dst-")) }),
    secret: readFileSync(path.join(dataDir, "secret.key"), "utf8").trim(),
  };
}

async function postgresSource(): Promise<Source> {
  const db = await openTestDatabase("postgres");
  await db.close();
  const secret = randomBytes(32).toString("base64url");
  const env = { DATABASE_URL: db.url!, SECRET_KEY: secret };
  return {
    env,
    open: () => openDatabase({ url: db.url!, poolSize: 2 }),
    target: async () => ({ DATABASE_URL: await createEmptyPostgresDatabase("ops"), SECRET_KEY: secret }),
    secret,
  };
}

const KINDS: Record<TestDatabaseKind, () => Promise<Source>> = {
  pglite: pgliteSource,
  postgres: postgresSource,
};

describe.each(Object.keys(KINDS) as TestDatabaseKind[])(
  "operator commands on %s",
  { timeout: 120_000 },
  (kind) => {
    it("backup -> restore into a fresh target -> credentials, users open; rotate -> they open with the new key alone", async () => {
      const source = await KINDS[kind]();
      const db = await source.open();
      const ids = await seed(db, boxOf(source.secret));
      await db.close();

      const created = await ops(["create-admin"], {
        ...source.env,
        ADMIN_USERNAME: "Ops-Admin",
        ADMIN_PASSWORD,
      });
      expect(created, created.err.join("\n")).toMatchObject({ code: 0 });

      const folder = path.join(tmp, `backup-${kind}`);
      const backup = await ops(["backup", folder], source.env);
      expect(backup.code, backup.err.join("\n")).toBe(0);
      expect(statSync(path.join(folder, BACKUP_KEY_FILE)).mode & 0o777).toBe(0o600);
      expect(readFileSync(path.join(folder, BACKUP_KEY_FILE), "utf8").trim()).toBe(source.secret);
      const manifest = JSON.parse(readFileSync(path.join(folder, MANIFEST_FILE), "utf8")) as {
        kind: string;
        rows: Record<string, number>;
      };
      expect(manifest).toMatchObject({ kind, rows: { providers: 1, alert_channels: 1, user: 1 } });
      expect(JSON.stringify(manifest)).not.toContain(source.secret);
      // A second backup never overwrites the first.
      expect((await ops(["backup", folder], source.env)).code).toBe(1);

      const target = await source.target();
      const restored = await ops(["restore", folder], target);
      expect(restored.code, restored.err.join("\n")).toBe(0);
      expect(restored.out.join("\n")).toMatch(/3 sealed values open, 0 do not/);
      // Restoring over data is refused.
      expect((await ops(["restore", folder], target)).err.join("\n")).toMatch(/not empty/);

      const targetDb =
        kind === "pglite"
          ? await openDatabase({ dataDir: path.join(target.DATA_DIR!, "pglite") })
          : await openDatabase({ url: target.DATABASE_URL!, poolSize: 2 });
      try {
        if (kind === "pglite") {
          expect(readFileSync(path.join(target.DATA_DIR!, "secret.key"), "utf8").trim()).toBe(source.secret);
        }
        await expectCredentialsOpen(targetDb, boxOf(source.secret), ids);
        await expectAdminSignsIn(targetDb, "ops-admin", ADMIN_PASSWORD);
      } finally {
        await targetDb.close();
      }

      // Rotation: embedded keeps opening the old values with its key file, PostgreSQL with SECRET_KEY_PREVIOUS.
      const next = randomBytes(32).toString("base64url");
      const rotateEnv =
        kind === "pglite"
          ? { ...target, SECRET_KEY: next }
          : { ...target, SECRET_KEY: next, SECRET_KEY_PREVIOUS: source.secret };
      const rotated = await ops(["rotate-secret"], rotateEnv);
      expect(rotated.code, rotated.err.join("\n")).toBe(0);
      expect(rotated.out.join("\n")).toMatch(/re-sealed 3 values/);
      const again = await ops(["rotate-secret"], rotateEnv);
      expect(again.out.join("\n")).toMatch(/re-sealed 0 values .*3 already were/);

      const rotatedDb =
        kind === "pglite"
          ? await openDatabase({ dataDir: path.join(target.DATA_DIR!, "pglite") })
          : await openDatabase({ url: target.DATABASE_URL!, poolSize: 2 });
      try {
        await expectCredentialsOpen(rotatedDb, boxOf(next), ids);
      } finally {
        await rotatedDb.close();
      }

      if (kind === "postgres") {
        // Keys that open nothing change nothing.
        const refused = await ops(["rotate-secret"], {
          ...target,
          SECRET_KEY: randomBytes(32).toString("base64url"),
          SECRET_KEY_PREVIOUS: randomBytes(32).toString("base64url"),
        });
        expect(refused.code).toBe(1);
        expect(refused.err.join("\n")).toMatch(/3 sealed values do not open .*nothing was changed/s);
        expect(refused.err.join("\n")).not.toContain(CREDENTIAL);
      }

      // create-admin --reset: the way back in with a new password.
      const newPassword = `pw2-${randomBytes(10).toString("hex")}`;
      expect(
        (await ops(["create-admin", "ops-admin"], { ...target, SECRET_KEY: next }, newPassword)).code,
      ).toBe(1);
      const reset = await ops(
        ["create-admin", "ops-admin", "--reset"],
        { ...target, SECRET_KEY: next },
        newPassword,
      );
      expect(reset.code, reset.err.join("\n")).toBe(0);
      const finalDb =
        kind === "pglite"
          ? await openDatabase({ dataDir: path.join(target.DATA_DIR!, "pglite") })
          : await openDatabase({ url: target.DATABASE_URL!, poolSize: 2 });
      try {
        await expectAdminSignsIn(finalDb, "ops-admin", newPassword);
      } finally {
        await finalDb.close();
      }
    });
  },
);

describe("embedded database guard", () => {
  it(
    "refuses to open a data folder a running process holds, unless --force",
    { timeout: 60_000 },
    async () => {
      const dataDir = mkdtempSync(path.join(tmp, "open-"));
      const template = new Blob([readFileSync(inject("pgliteTemplateFile"))]);
      const held = await openDatabase({ dataDir: path.join(dataDir, "pglite"), loadDataDir: template });
      try {
        writeFileSync(path.join(dataDir, "secret.key"), `${randomBytes(32).toString("base64url")}\n`);
        const refused = await ops(["backup", path.join(tmp, "never")], { DATA_DIR: dataDir });
        expect(refused.code).toBe(1);
        expect(refused.err.join("\n")).toMatch(/stop Roundabout first/);
        expect(existsSync(path.join(tmp, "never", MANIFEST_FILE))).toBe(false);
      } finally {
        await held.close();
      }
    },
  );
});
