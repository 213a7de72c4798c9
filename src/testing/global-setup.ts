import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { testDatabaseUrl, testRedisUrl, withDatabaseName } from "./services";

declare module "vitest" {
  export interface ProvidedContext {
    runId: string;
    pgTemplate: string | null;
    pgliteTemplateFile: string;
    redisUrl: string | null;
    databaseUrl: string | null;
  }
}

/**
 * Runs once per `vitest run`: checks the real services, migrates one PostgreSQL template database and
 * one PGlite template dump, and hands their names to the workers. Per-file databases are cloned from
 * these templates, which is much faster than migrating each one.
 */
export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  const { openDatabase } = await import("../db/client");
  const tmp = mkdtempSync(path.join(os.tmpdir(), "rb-test-"));

  const databaseUrl = testDatabaseUrl();
  let pgTemplate: string | null = null;
  if (databaseUrl) {
    const { default: postgres } = await import("postgres");
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
      await admin`select 1`;
    } catch (err) {
      await admin.end({ timeout: 1 }).catch(() => {});
      throw new Error(
        `PostgreSQL for tests is unreachable at ${redactUrl(databaseUrl)} (${(err as Error).message}). ` +
          "Start it, point TEST_DATABASE_URL at one, or set TEST_DATABASE_URL=none to run without it " +
          "(the PostgreSQL suites will then fail, not pass).",
      );
    }
    pgTemplate = `rb_tpl_${runId}`;
    await admin.unsafe(`create database "${pgTemplate}"`);
    const tpl = await openDatabase({ url: withDatabaseName(databaseUrl, pgTemplate), poolSize: 2 });
    await tpl.migrate();
    await tpl.close();
    await admin.end({ timeout: 5 });
  }

  const redisUrl = testRedisUrl();
  if (redisUrl) {
    const { Redis } = await import("ioredis");
    const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
    try {
      await client.connect();
      await client.ping();
    } catch (err) {
      client.disconnect();
      throw new Error(
        `Redis for tests is unreachable at ${redactUrl(redisUrl)} (${(err as Error).message}). ` +
          "Start it, point TEST_REDIS_URL at one, or set TEST_REDIS_URL=none.",
      );
    }
    client.disconnect();
  }

  const pgl = await openDatabase({});
  await pgl.migrate();
  const pgliteTemplateFile = path.join(tmp, "pglite-template.tar.gz");
  if (!pgl.dump) throw new Error("PGlite template dump unavailable");
  const dump = await pgl.dump();
  writeFileSync(pgliteTemplateFile, Buffer.from(await dump.arrayBuffer()));
  await pgl.close();

  project.provide("runId", runId);
  project.provide("pgTemplate", pgTemplate);
  project.provide("pgliteTemplateFile", pgliteTemplateFile);
  project.provide("redisUrl", redisUrl);
  project.provide("databaseUrl", databaseUrl);

  return async () => {
    rmSync(tmp, { recursive: true, force: true });
    if (databaseUrl) {
      const { default: postgres } = await import("postgres");
      const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      const rows = await admin<{ datname: string }[]>`
        select datname from pg_database where datname like ${`rb_%${runId}%`}`;
      for (const { datname } of rows) {
        await admin.unsafe(`drop database if exists "${datname}" with (force)`);
      }
      await admin.end({ timeout: 5 });
    }
    if (redisUrl) {
      const { Redis } = await import("ioredis");
      const client = new Redis(redisUrl);
      const stream = client.scanStream({ match: `rbt:${runId}:*`, count: 500 });
      for await (const keys of stream as AsyncIterable<string[]>) if (keys.length) await client.del(...keys);
      client.disconnect();
    }
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable url)";
  }
}
