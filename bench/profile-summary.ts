/**
 * `npx tsx bench/profile-summary.ts FILE.cpuprofile [--top N]`: where a V8 CPU profile's time went —
 * self time by where the code lives (garbage collection, the embedded database, Node's http/net,
 * undici, drizzle, pino, prom-client, Next, each of our src/ folders, …), then the top functions by
 * self time. Idle time is left out of the shares. For the profiles `npm run bench -- --profile` writes.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** Which part of the process a frame belongs to (first match wins). */
const BUCKETS: [string, (f: ProfileNode["callFrame"]) => boolean][] = [
  ["(idle)", (f) => f.functionName === "(idle)"],
  ["garbage collection", (f) => f.functionName === "(garbage collector)"],
  ["(program: native, not attributed)", (f) => f.functionName === "(program)"],
  ["embedded PGlite (wasm + js)", (f) => f.url.startsWith("wasm://") || f.url.includes("/@electric-sql/")],
  ["postgres.js", (f) => f.url.includes("/node_modules/postgres/")],
  ["ioredis", (f) => f.url.includes("/node_modules/ioredis/") || f.url.includes("/redis-")],
  ["undici", (f) => f.url.includes("/undici/") || f.url.includes("node:internal/deps/undici")],
  ["drizzle", (f) => f.url.includes("/drizzle-orm/")],
  ["pino", (f) => f.url.includes("/pino") || f.url.includes("/sonic-boom/")],
  ["prom-client", (f) => f.url.includes("/prom-client/")],
  ["next", (f) => f.url.includes("/next/")],
  ["zod", (f) => f.url.includes("/zod/")],
  ["other node_modules", (f) => f.url.includes("/node_modules/")],
  [
    "node http/net/streams",
    (f) => /node:(_http|http|net|internal\/(http|streams|stream_base|net))/.test(f.url),
  ],
  ["node other", (f) => f.url.startsWith("node:")],
  ["native (no url)", (f) => f.url === ""],
];

function bucketOf(frame: ProfileNode["callFrame"]): string {
  const src =
    /\/src\/([\w-]+)\//.exec(frame.url) ??
    (frame.url.includes("/dist/server.mjs") ? ["", "server bundle (ours)"] : null);
  if (src) return `ours: ${src[1]}`;
  for (const [name, test] of BUCKETS) if (test(frame)) return name;
  return "other";
}

function main(): void {
  const { values, positionals } = parseArgs({ options: { top: { type: "string" } }, allowPositionals: true });
  const file = positionals[0];
  if (!file) throw new Error("usage: tsx bench/profile-summary.ts FILE.cpuprofile [--top N]");
  const top = Number(values.top ?? 25);
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node) continue;
    const bucket = bucketOf(node.callFrame);
    if (bucket === "(idle)") {
      idleUs += dt;
      continue;
    }
    busyUs += dt;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + dt);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^.*\/(node_modules|src)\//, "$1/").replace(/^file:\/\/.*\//, "");
    const name = `${functionName || "(anonymous)"} ${where}${url ? `:${lineNumber + 1}` : ""}`;
    functions.set(name, (functions.get(name) ?? 0) + dt);
  }
  const pct = (us: number) => `${((us / busyUs) * 100).toFixed(1).padStart(5)} %`;
  console.log(`${file}: ${(busyUs / 1e6).toFixed(2)} s busy, ${(idleUs / 1e6).toFixed(2)} s idle\n`);
  console.log("Self time by where the code lives (share of busy time):");
  for (const [name, us] of [...buckets].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(us)}  ${name}`);
  console.log(`\nTop ${top} functions by self time:`);
  for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${pct(us)}  ${name}`);
  }
}

main();
