/**
 * Benchmark child: the real gateway with every feature on (health tracking included, through the same
 * factory as the runtime), served by the gateway-only server on
 * 127.0.0.1. An embedded PGlite database in a temporary folder is migrated and seeded with one
 * provider per mock upstream (sealed bearer credential), one weighted-round-robin group and one key
 * whose rate limit and concurrency cap are on but far above what the load reaches. Request logs go to
 * the database and usage is parsed, as in production. State lives in memory, or in Redis with --redis.
 * With --database-url the gateway uses that (empty, throwaway) PostgreSQL database instead of PGlite.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { openDatabase, type Database } from "../src/db/client";
import { eq } from "drizzle-orm";
import { DEFAULT_TENANT_ID } from "../src/core/vocabulary/tenants";
import { apiKeys, groupProviders, groups, providers, tenants } from "../src/db/schema";
import { startGatewayOnlyServer } from "../src/testing/start-gateway-only";
import { createGatewayWithHealth } from "../src/health/create-gateway-with-health";
import { createLogger } from "../src/observability/logger";
import { generateGatewayKey } from "../src/security/gateway-key";
import { createSecretBox, deriveKey, keyIdOf, type SecretBox } from "../src/security/secret-box";
import { createStore } from "../src/store/create-store";
import type { StateStore } from "../src/store/types";
import { loopbackOutboundPolicy } from "../src/testing/loopback-outbound";
import { serveBenchChild } from "./child-ipc";

const BENCH_GROUP_SLUG = "bench";
/** High enough never to trigger, so the limiter's cost is measured without refusals. */
const RATE_LIMIT_PER_MINUTE = 100_000_000;
const MAX_CONCURRENCY = 100_000;

const argsSchema = z.strictObject({
  upstream: z.array(z.url({ protocol: /^http$/ })).min(1),
  redis: z.url({ protocol: /^rediss?$/ }).optional(),
  "redis-prefix": z
    .string()
    .regex(/^[\w:.-]+$/)
    .optional(),
  "database-url": z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  // Passed in: a bundled copy of this script does not live next to the repository's drizzle/ folder.
  migrations: z.string().min(1),
  /** The bench group's capture mode (issue 15's "capture off vs errors vs all" rows). */
  capture: z.enum(["off", "errors", "all"]).default("off"),
  /** A quota on the key and on its tenant, every metric limited but never reached. */
  quota: z.boolean().default(false),
});

/** Limits far above any bench run: every counter is checked and charged, nothing is refused. */
const BENCH_QUOTA = {
  requestsPerDay: 1_000_000_000_000,
  tokensPerDay: 1_000_000_000_000,
  tokensPerMonth: 1_000_000_000_000,
  costPerMonthUsd: 1_000_000_000,
};

/** Inserts providers, the group, its members and one key; returns the plaintext key (never printed). */
async function seed(
  db: Database["db"],
  box: SecretBox,
  upstreams: string[],
  capture: "off" | "errors" | "all",
  quota: boolean,
): Promise<string> {
  if (quota) await db.update(tenants).set({ quota: BENCH_QUOTA }).where(eq(tenants.id, DEFAULT_TENANT_ID));
  const providerIds: string[] = [];
  for (const [i, baseUrl] of upstreams.entries()) {
    const id = crypto.randomUUID();
    const credential = `sk-upstream-${randomBytes(12).toString("hex")}`;
    await db.insert(providers).values({
      id,
      name: `mock-${i}`,
      baseUrl,
      apiKeyCipher: box.seal(credential, id),
      apiKeyLast4: credential.slice(-4),
      authStyle: "bearer",
      weight: 1,
    });
    providerIds.push(id);
  }
  const [group] = await db
    .insert(groups)
    .values({ slug: BENCH_GROUP_SLUG, name: "Benchmark", strategy: "weighted_round_robin", capture })
    .returning({ id: groups.id });
  if (!group) throw new Error("group insert returned nothing");
  await db
    .insert(groupProviders)
    .values(providerIds.map((providerId) => ({ groupId: group.id, providerId, priority: 0 })));
  const key = generateGatewayKey();
  await db.insert(apiKeys).values({
    name: "bench",
    keyDigest: key.digest,
    keyPrefix: key.prefix,
    keyLast4: key.last4,
    groupId: group.id,
    rateLimitPerMinute: RATE_LIMIT_PER_MINUTE,
    maxConcurrency: MAX_CONCURRENCY,
    quota: quota ? BENCH_QUOTA : null,
  });
  return key.key;
}

serveBenchChild(async () => {
  const { values } = parseArgs({
    options: {
      upstream: { type: "string", multiple: true },
      redis: { type: "string" },
      "redis-prefix": { type: "string" },
      "database-url": { type: "string" },
      migrations: { type: "string" },
      capture: { type: "string" },
      quota: { type: "boolean" },
    },
    strict: true,
  });
  const args = argsSchema.parse(values);
  const logger = createLogger("warn");
  const dataDir = mkdtempSync(path.join(tmpdir(), "rb-bench-"));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  // Also on a forced exit (close timed out): the folder holds a database of every logged request.
  process.once("exit", removeDataDir);
  const cleanups: (() => Promise<void> | void)[] = [removeDataDir];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn();
  };
  const rssMb = () => (process.memoryUsage().rss / (1024 * 1024)).toFixed(0);
  const rssBeforeDb = rssMb();
  try {
    const database = await openDatabase({
      url: args["database-url"],
      dataDir: path.join(dataDir, "db"),
      migrationsFolder: args.migrations,
    });
    cleanups.push(() => database.close());
    await database.migrate();
    const secret = deriveKey(randomBytes(32).toString("base64"));
    const box = createSecretBox({
      keys: [{ id: keyIdOf(secret), key: secret }],
      activeKeyId: keyIdOf(secret),
    });
    const apiKey = await seed(database.db, box, args.upstream, args.capture, args.quota);
    const store: StateStore = await createStore({
      redisUrl: args.redis,
      prefix: args["redis-prefix"] ?? `rb-bench:${randomBytes(4).toString("hex")}:`,
      logger,
    });
    cleanups.push(() => store.close());
    // The production wiring: passive health on every attempt, shared through Redis with --redis.
    const dataPlane = createGatewayWithHealth({
      db: database.db,
      store,
      logger,
      openCredential: (sealed, providerId) => box.open(sealed, providerId),
      // The mock upstreams listen on loopback: allowed explicitly, as OUTBOUND_ALLOW=127.0.0.0/8,::1.
      outbound: loopbackOutboundPolicy(),
    });
    const { gateway } = dataPlane;
    await dataPlane.ready();
    const server = await startGatewayOnlyServer({ gateway, port: 0, host: "127.0.0.1" });
    cleanups.push(async () => {
      await server.close();
      await dataPlane.close();
    });
    return {
      urls: { gateway: server.url },
      notes: {
        apiKey,
        pathPrefix: `/api/proxy/${BENCH_GROUP_SLUG}`,
        store: args.redis ? "redis" : "memory",
        capture: args.capture,
        database: database.kind,
        rss: `${rssBeforeDb} MB before opening ${database.kind === "pglite" ? "PGlite" : "PostgreSQL"}, ${rssMb()} MB once migrated, seeded and listening`,
      },
      extra: () => {
        const s = gateway.logWriter.stats();
        return {
          logRowsWritten: s.written,
          logQueued: s.queued,
          logDropped: s.dropped,
          logRejected: s.rejected,
          capturesWritten: gateway.captureWriter.stats().written,
          capturesDropped: gateway.captureWriter.stats().dropped,
        };
      },
      close: cleanup,
    };
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
});
