/**
 * Import benchmark: a config document of 10,000 providers (in 100 groups of 100 members) and 50,000
 * API keys (stored beforehand; the document updates a tenth of them) imported into a fresh embedded
 * database (PGlite) through the real config service. Prints the total time and the longest
 * event-loop stall while importing (`perf_hooks.monitorEventLoopDelay`) — from the admin API's body
 * parse (paced, src/admin-api/paced-json.ts) to the last write — the figure that says
 * whether proxied requests could still be served meanwhile. Then the gateway's routing snapshot is
 * rebuilt from the imported tables (what every instance does after an import), timed and watched
 * the same way.
 *
 *   npm run bench:import -- [--providers N] [--keys N] [--groups N] [--postgres URL] [--attribute]
 *
 * `--attribute` CPU-profiles the run and prints, for the longest stalls, which functions held the
 * loop (bench/stall-attribution.ts); the profiler slows everything, so its stall figures are not the
 * benchmark's.
 *
 * With `--postgres URL` (a server the benchmark may create a throwaway database on, e.g.
 * postgres://postgres@127.0.0.1:5432/postgres) the same import runs on PostgreSQL instead.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { Actor } from "../src/contracts/actor";
import { parseJsonTextPaced } from "../src/admin-api/paced-json";
import { openDatabase } from "../src/db/client";
import { buildSnapshot } from "../src/gateway/snapshot/build-snapshot";
import { createTierStrategies } from "../src/core/balancing/select";
import { apiKeys } from "../src/db/schema";
import { createLogger } from "../src/observability/logger";
import { createSecretBox } from "../src/security/secret-box";
import { createConfigService } from "../src/services/config-service";
import { createServiceContext } from "../src/services/service-context";
import { createMemoryStore } from "../src/store/memory-store";
import { startCpuStallMonitor, type CpuStallReport } from "./cpu-stall-monitor";
import { formatStalls, startStallTracer, type StallTracer } from "./stall-attribution";

const argsSchema = z.strictObject({
  providers: z.coerce.number().int().min(1).max(10_000).default(10_000),
  keys: z.coerce.number().int().min(0).max(100_000).default(50_000),
  groups: z.coerce.number().int().min(1).max(1_000).default(100),
  postgres: z.string().url().optional(),
  attribute: z.boolean().default(false),
});

/** The loop monitor's interval; its maxima include it (a stall of X ms reads as X + 5). */
const STALL_RESOLUTION_MS = 5;
const ACTOR: Actor = { id: null, name: "bench", role: "admin", via: "token" };
const SEED_CHUNK = 1_000;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      providers: { type: "string" },
      keys: { type: "string" },
      groups: { type: "string" },
      postgres: { type: "string" },
      attribute: { type: "boolean" },
    },
  });
  return argsSchema.parse(values);
}

/** The document as an operator would send it: JSON text. */
function buildDocument(providerCount: number, groupCount: number, keyIds: readonly string[]): string {
  const providers = Array.from({ length: providerCount }, (_, i) => ({
    name: `provider-${i}`,
    // A handful of origins, as real fleets have: the save-time outbound check resolves each once.
    baseUrl: `https://api-${i % 10}.example.com/v1/tenant-${i}`,
    apiKey: `sk-bench-${i}-${randomBytes(8).toString("hex")}`,
    weight: 1 + (i % 5),
  }));
  const groups = Array.from({ length: groupCount }, (_, g) => ({
    slug: `group-${g}`,
    name: `Group ${g}`,
    providers: providers
      .filter((_, i) => i % groupCount === g)
      .map((p, j) => ({ provider: p.name, priority: j % 3 })),
  }));
  const keys = keyIds.map((id, i) => ({
    id,
    name: `key-${i}`,
    group: null,
    // A tenth of the keys change (a note), the rest are unchanged.
    note: i % 10 === 0 ? "imported" : "",
  }));
  return JSON.stringify({ version: 1, providers, groups, apiKeys: keys });
}

/** A throwaway database on the given server; `drop` removes it. */
async function createThrowawayDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: postgres } = await import("postgres");
  const name = `rb_bench_import_${randomBytes(4).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/** The CPU-time view of the stalls (what they would be on a quiet machine). */
function cpuLine(r: CpuStallReport): string {
  return (
    `longest stall's own CPU ${r.cpuOfMaxWallMs.toFixed(1)} ms of ${r.maxWallMs.toFixed(1)} ms wall; ` +
    `most CPU between two loop turns ${r.maxCpuMs.toFixed(1)} ms`
  );
}

async function main(): Promise<void> {
  const options = parseOptions();
  const dir = mkdtempSync(path.join(tmpdir(), "rb-bench-import-"));
  const throwaway = options.postgres ? await createThrowawayDatabase(options.postgres) : null;
  const database = await openDatabase(throwaway ? { url: throwaway.url } : { dataDir: path.join(dir, "db") });
  try {
    await database.migrate();
    const keyIds: string[] = [];
    const seedStart = performance.now();
    for (let start = 0; start < options.keys; start += SEED_CHUNK) {
      const rows = Array.from({ length: Math.min(SEED_CHUNK, options.keys - start) }, (_, j) => {
        const id = randomUUID();
        keyIds.push(id);
        return {
          id,
          name: `key-${start + j}`,
          keyDigest: randomBytes(32).toString("hex"),
          keyPrefix: "sk-bench",
          keyLast4: "0000",
        };
      });
      await database.db.insert(apiKeys).values(rows);
    }
    const seedMs = performance.now() - seedStart;
    const text = buildDocument(options.providers, options.groups, keyIds);
    const box = createSecretBox({ keys: [{ id: "b", key: randomBytes(32) }], activeKeyId: "b" });
    const ctx = createServiceContext({
      db: database.db,
      store: createMemoryStore(),
      sealer: box,
      logger: createLogger("silent"),
    });
    const config = createConfigService(ctx);

    // What the admin API does with the body: one synchronous JSON.parse would hold the loop for
    // ~60 ms (timed on its own for reference); the API parses a large body in slices, and that paced
    // parse is part of the measured import below.
    const parseStarted = performance.now();
    JSON.parse(text);
    const parseMs = performance.now() - parseStarted;
    const tracer: StallTracer | null = options.attribute ? await startStallTracer(20) : null;
    tracer?.phase("import");
    const stalls = monitorEventLoopDelay({ resolution: STALL_RESOLUTION_MS });
    stalls.enable();
    const cpuStalls = startCpuStallMonitor();
    const started = performance.now();
    const document = await parseJsonTextPaced(text);
    const pacedParseMs = performance.now() - started;
    const result = await config.importDocument({ actor: ACTOR, ip: null }, document, {
      dryRun: false,
      prune: false,
    });
    const totalMs = performance.now() - started;
    // One more turn so the timer records the interval that ends here (a last stall would be lost).
    await sleep(STALL_RESOLUTION_MS * 2);
    stalls.disable();
    const importCpu = cpuStalls.stop();

    // What each instance does once the import is announced: rebuild the routing snapshot.
    tracer?.phase("snapshot rebuild");
    const snapshotStalls = monitorEventLoopDelay({ resolution: STALL_RESOLUTION_MS });
    snapshotStalls.enable();
    const snapshotCpuStalls = startCpuStallMonitor();
    const snapshotStarted = performance.now();
    const snapshot = await buildSnapshot({
      db: database.db,
      openCredential: (sealed, providerId) => box.open(sealed, providerId),
      logger: createLogger("silent"),
      strategiesFor: (_groupId, name) => createTierStrategies(name),
      version: 1,
      now: Date.now(),
    });
    const snapshotMs = performance.now() - snapshotStarted;
    await sleep(STALL_RESOLUTION_MS * 2);
    snapshotStalls.disable();
    const snapshotCpu = snapshotCpuStalls.stop();
    const attributed = tracer ? await tracer.stop(6) : [];

    const d = result.diff;
    console.log(
      `Imported ${options.providers.toLocaleString("en")} providers, ${options.groups} groups, ` +
        `${options.keys.toLocaleString("en")} API keys (document ${(text.length / 1e6).toFixed(1)} MB) ` +
        `into ${throwaway ? "PostgreSQL" : "embedded PGlite"} (keys seeded in ${(seedMs / 1000).toFixed(1)} s)`,
    );
    console.log(
      `  diff: providers +${d.providers.created.length} ~${d.providers.updated.length}, ` +
        `groups +${d.groups.created.length}, keys ~${d.apiKeys.updated.length} =${d.apiKeys.unchanged.length}`,
    );
    console.log(`  total time:               ${(totalMs / 1000).toFixed(2)} s`);
    console.log(
      `  body parse:               ${pacedParseMs.toFixed(0)} ms in slices (one JSON.parse: ${parseMs.toFixed(1)} ms at once)`,
    );
    console.log(
      `  longest event-loop stall: ${(stalls.max / 1e6).toFixed(1)} ms (parse, validate, plan, apply)`,
    );
    console.log(`  p99 event-loop delay:     ${(stalls.percentile(99) / 1e6).toFixed(1)} ms`);
    console.log(`  same, main-thread CPU:    ${cpuLine(importCpu)}`);
    console.log(
      `  snapshot rebuild:         ${snapshotMs.toFixed(0)} ms, longest stall ${(snapshotStalls.max / 1e6).toFixed(1)} ms ` +
        `(${snapshot.groupsBySlug.size} groups, ${snapshot.keysByDigest.size.toLocaleString("en")} keys)`,
    );
    console.log(`  same, main-thread CPU:    ${cpuLine(snapshotCpu)}`);
    console.log(
      `  load average:             ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    if (attributed.length > 0) console.log(`Longest stalls (profiled run):\n${formatStalls(attributed)}`);
  } finally {
    await database.close();
    await throwaway?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
