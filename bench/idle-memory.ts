/**
 * `npm run bench:memory [-- --postgres URL] [--at 8,30,60]`: resident memory of the real server at
 * rest, as `npm start` and `npm run start:gateway` run it — the embedded default, and with `--postgres`
 * on a throwaway database of that server. Each process is started in a fresh DATA_DIR (the first
 * start creates the database), stopped, and started again on the same folder; RSS of the whole
 * process tree (every thread) is read at each `--at` second after `/readyz` answers, and for the full
 * server once more after a first console request (Next prepares its pages then). It prints figures
 * only (about 9 minutes with --postgres).
 *
 * Why several instants: V8 sizes its young generation for the burst of work at start (migrations, the
 * routing snapshot, Next), and its memory reducer gives those pages back only once the process has
 * been quiet for a while (~10–30 s), so "RSS 8 s after start" and "RSS at rest" differ by 30–40 MB.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import { treeUsage } from "./proc-tree";
import { buildServerIfStale, launchServer } from "./server-process";

const ROOT = path.resolve(import.meta.dirname, "..");
const MB = 1024 * 1024;

const argsSchema = z.strictObject({
  postgres: z.url().optional(),
  at: z
    .string()
    .regex(/^\d{1,3}(,\d{1,3})*$/, "a comma-separated list of seconds (each under 1000)")
    .default("8,30,60"),
});

type Role = "full" | "gateway";

interface Sample {
  readonly label: string;
  readonly start: "first" | "restart";
  readonly rssMb: number[];
  readonly afterConsoleMb: number | null;
}

function progress(message: string): void {
  process.stderr.write(`[bench:memory] ${message}\n`);
}

/** Starts one server process, samples its tree's RSS at the given seconds after ready, then stops it. */
async function sampleOnce(
  role: Role,
  dataDir: string,
  env: Record<string, string>,
  atS: number[],
  logFile: string,
): Promise<{ rssMb: number[]; afterConsoleMb: number | null }> {
  const server = await launchServer({ name: `${role} server`, role, dataDir, env, logFile, appendLog: true });
  try {
    const readyAt = performance.now();
    const rssMb: number[] = [];
    for (const s of atS) {
      await sleep(Math.max(0, readyAt + s * 1000 - performance.now()));
      rssMb.push(treeUsage(server.pid).rssBytes / MB);
    }
    let afterConsoleMb: number | null = null;
    if (role === "full") {
      await fetch(`${server.origin}/login`, { redirect: "manual" }).then((r) => r.arrayBuffer());
      await sleep(atS[0]! * 1000);
      afterConsoleMb = treeUsage(server.pid).rssBytes / MB;
    }
    return { rssMb, afterConsoleMb };
  } finally {
    await server.stop();
  }
}

async function measure(
  label: string,
  role: Role,
  env: Record<string, string>,
  atS: number[],
  logFile: string,
): Promise<Sample[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "rb-bench-memory-"));
  try {
    const samples: Sample[] = [];
    for (const start of ["first", "restart"] as const) {
      progress(`${label}, ${start === "first" ? "first start (new data folder)" : "restart"}…`);
      samples.push({ label, start, ...(await sampleOnce(role, dataDir, env, atS, logFile)) });
    }
    return samples;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function printTable(samples: Sample[], atS: number[]): void {
  const header = ["process", "start", ...atS.map((s) => `RSS ${s} s`), "after a console page, MB"];
  const rows = samples.map((s) => [
    s.label,
    s.start,
    ...s.rssMb.map((v) => v.toFixed(0)),
    s.afterConsoleMb === null ? "—" : s.afterConsoleMb.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { postgres: { type: "string" }, at: { type: "string" } } });
  const options = argsSchema.parse(values);
  const atS = options.at.split(",").map(Number);
  buildServerIfStale(progress);
  const logFile = path.join(ROOT, ".bench", "idle-memory.log");
  const samples: Sample[] = [];
  samples.push(...(await measure("npm start (embedded)", "full", {}, atS, logFile)));
  samples.push(...(await measure("npm run start:gateway (embedded)", "gateway", {}, atS, logFile)));
  if (options.postgres) {
    const { default: postgres } = await import("postgres");
    const name = `rb_bench_memory_${process.pid}`;
    const admin = postgres(options.postgres, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    try {
      const url = new URL(options.postgres);
      url.pathname = `/${name}`;
      const env = { DATABASE_URL: url.toString(), SECRET_KEY: randomBytes(32).toString("hex") };
      samples.push(...(await measure("npm start (PostgreSQL)", "full", env, atS, logFile)));
      samples.push(...(await measure("npm run start:gateway (PostgreSQL)", "gateway", env, atS, logFile)));
    } finally {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    }
  }
  console.log(
    `Roundabout idle memory — ${new Date().toISOString()} — node ${process.version}, load avg ` +
      `${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );
  console.log(
    "RSS of the whole process tree (all threads), at rest, seconds after /readyz answered; " +
      "targets (issue 12): npm start embedded ≤ 250 MB, start:gateway ≤ 120 MB.",
  );
  printTable(samples, atS);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
