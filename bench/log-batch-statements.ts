/**
 * `npx tsx bench/log-batch-statements.ts [--rows N] [--batches N] [--postgres URL]`: what one log
 * batch costs the database, statement by statement (the log writer's transaction: the rows' insert,
 * the keys' last-used touch, the statistics rollups, the model rollups). Embedded PGlite runs on this
 * thread here so each statement's time is its own; prints the median per statement and per row.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { openDatabase } from "../src/db/client";
import { ensureDayPartitions } from "../src/db/day-partitions";
import { createRequestLogInsert } from "../src/gateway/insert-request-logs";
import { touchKeyUsage } from "../src/gateway/touch-key-usage";
import { aggregateModelRollups, upsertModelRollups } from "../src/stats/model-rollups";
import { aggregateRollups } from "../src/stats/rollup-aggregate";
import { upsertRollups } from "../src/stats/rollup-write";
import { generateRows, seedTopology } from "./log-rows";

const argsSchema = z.strictObject({
  rows: z.coerce.number().int().min(1).max(5_000).default(230),
  batches: z.coerce.number().int().min(3).max(500).default(40),
  postgres: z.string().url().optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: "string" }, batches: { type: "string" }, postgres: { type: "string" } },
  });
  const options = argsSchema.parse(values);
  const dir = mkdtempSync(path.join(tmpdir(), "rb-bench-batch-"));
  let dropDatabase: (() => Promise<void>) | null = null;
  let url: string | undefined;
  if (options.postgres) {
    const { default: postgres } = await import("postgres");
    const name = `rb_bench_batch_${process.pid}`;
    const admin = postgres(options.postgres, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    const u = new URL(options.postgres);
    u.pathname = `/${name}`;
    url = u.toString();
    dropDatabase = async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    };
  }
  const database = await openDatabase(
    url ? { url } : { dataDir: path.join(dir, "db"), pgliteOnThisThread: true },
  );
  try {
    await database.migrate();
    await ensureDayPartitions(database.db);
    const topology = await seedTopology(database.db);
    const next = generateRows(topology, options.rows * options.batches, Date.now() - 60_000, 60_000);
    const all: ReturnType<typeof next> = [];
    for (let chunk = next(); chunk !== null; chunk = next()) all.push(...chunk);
    const insertLogs = createRequestLogInsert();
    const steps = {
      begin: [] as number[],
      insert: [] as number[],
      touch: [] as number[],
      rollups: [] as number[],
      modelRollups: [] as number[],
      commit: [] as number[],
    };
    const deltaCounts: number[] = [];
    const timed = async (into: number[], fn: () => Promise<unknown>) => {
      const t = performance.now();
      await fn();
      into.push(performance.now() - t);
    };
    for (let b = 0; b < options.batches; b++) {
      const rows = all.slice(b * options.rows, (b + 1) * options.rows);
      let t0 = performance.now();
      await database.db.transaction(async (tx) => {
        steps.begin.push(performance.now() - t0);
        await timed(steps.insert, () => insertLogs(tx, rows));
        await timed(steps.touch, () => touchKeyUsage(tx, rows));
        const deltas = aggregateRollups(rows);
        deltaCounts.push(deltas.length);
        await timed(steps.rollups, () => upsertRollups(tx, deltas));
        await timed(steps.modelRollups, () => upsertModelRollups(tx, aggregateModelRollups(rows)));
        t0 = performance.now();
      });
      steps.commit.push(performance.now() - t0);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(
      `${url ? "PostgreSQL" : "embedded PGlite (this thread)"}: ${options.batches} batches of ${options.rows} rows`,
    );
    console.log(`  rollup deltas per batch (median): ${median(deltaCounts)}`);
    let total = 0;
    for (const [name, xs] of Object.entries(steps)) {
      const m = median(xs);
      total += m;
      console.log(
        `  ${name.padEnd(14)} ${m.toFixed(2).padStart(8)} ms  ${((m * 1000) / options.rows).toFixed(1).padStart(7)} µs/row`,
      );
    }
    console.log(
      `  ${"total".padEnd(14)} ${total.toFixed(2).padStart(8)} ms  ${((total * 1000) / options.rows).toFixed(1).padStart(7)} µs/row`,
    );
  } finally {
    await database.close();
    await dropDatabase?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
