/**
 * `npm run bench:routing`: the LLM-aware routing benchmark of issue 16, in one process (the gateway,
 * three simulated upstreams and the client), printing two tables.
 *
 * 1. Prompt-cache affinity: 200 conversations × 10 turns (20 conversations at a time, turns in order)
 *    over 3 providers whose simulated upstream adds 50 ms before the response head on a cache miss —
 *    the first request of a conversation on that provider — and reports cached tokens on a hit. Cache
 *    hit rate and p50 / p99 time to the response head with affinity off (weighted round-robin) and on.
 * 2. Latency-aware balancing: 3 providers, one with 300 ms added latency, one with 20 % of requests
 *    at 2 s; 1,500 requests at 4 in flight (--concurrency): p50 / p99 of smooth weighted round-robin vs `p2c_ewma`.
 *
 * It prints figures; it is not a test and asserts nothing. Options: --conversations N (0 skips the
 * affinity table) --turns N --requests N --concurrency N.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { StrategyName } from "../src/core/vocabulary/balancing";
import { openDatabase, type Database } from "../src/db/client";
import { apiKeys, groupProviders, groups, providers } from "../src/db/schema";
import type { GroupAffinity } from "../src/db/schema/groups";
import { createGateway } from "../src/gateway/create-gateway";
import { createLogger } from "../src/observability/logger";
import { generateGatewayKey } from "../src/security/gateway-key";
import { createSecretBox, deriveKey, keyIdOf } from "../src/security/secret-box";
import { createMemoryStore } from "../src/store/memory-store";
import { loopbackOutboundPolicy } from "../src/testing/loopback-outbound";
import { startGatewayOnlyServer } from "../src/testing/start-gateway-only";

/** How one simulated upstream answers: its delay before the head for a request. */
type DelayFn = (session: string) => number;

interface SimUpstream {
  url: string;
  hits: number;
  misses: number;
  close(): Promise<void>;
}

const CACHE_MISS_MS = 50;
const CACHE_HIT_MS = 2;

/** An OpenAI-shaped upstream whose head comes after `delay(session)` ms; tracks prompt-cache hits. */
async function startSimUpstream(delay: DelayFn | "cache"): Promise<SimUpstream> {
  const seen = new Set<string>();
  const sim: SimUpstream = { url: "", hits: 0, misses: 0, close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const header = req.headers["x-session-id"];
      const session = typeof header === "string" ? header : "";
      let wait: number;
      let cached = 0;
      if (delay === "cache") {
        const hit = seen.has(session);
        if (hit) {
          sim.hits++;
          cached = 1_000;
        } else {
          sim.misses++;
          seen.add(session);
        }
        wait = hit ? CACHE_HIT_MS : CACHE_MISS_MS;
      } else {
        wait = delay(session);
        sim.misses++;
      }
      setTimeout(() => {
        const body = JSON.stringify({
          id: "c",
          object: "chat.completion",
          model: "sim",
          choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
          usage: {
            prompt_tokens: 1_200,
            completion_tokens: 1,
            prompt_tokens_details: { cached_tokens: cached },
          },
        });
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      }, wait);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  sim.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sim.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return sim;
}

/** Inserts the providers, a group over them and a key; returns the group slug and the key. */
async function seed(
  database: Database,
  sealKey: (id: string) => { apiKeyCipher: string; apiKeyLast4: string },
  upstreams: readonly SimUpstream[],
  strategy: StrategyName,
  affinity: GroupAffinity,
): Promise<{ slug: string; key: string }> {
  const db = database.db;
  const slug = `bench-${randomBytes(3).toString("hex")}`;
  const [group] = await db.insert(groups).values({ slug, name: slug, strategy, affinity }).returning();
  for (const [i, up] of upstreams.entries()) {
    const id = crypto.randomUUID();
    await db.insert(providers).values({ id, name: `${slug}-p${i}`, baseUrl: up.url, ...sealKey(id) });
    await db.insert(groupProviders).values({ groupId: group!.id, providerId: id });
  }
  const key = generateGatewayKey();
  await db.insert(apiKeys).values({
    name: slug,
    keyDigest: key.digest,
    keyPrefix: key.prefix,
    keyLast4: key.last4,
    groupId: group!.id,
  });
  return { slug, key: key.key };
}

/** Time (ms) to the response head of one chat request; the body is read to the end. */
async function timedCall(url: string, key: string, session: string, turn: number): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "x-session-id": session },
    body: JSON.stringify({
      model: "sim",
      messages: [
        { role: "system", content: "You are a benchmark." },
        { role: "user", content: `turn ${turn}` },
      ],
    }),
  });
  const head = performance.now() - started;
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return head;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Runs `tasks` with at most `limit` in flight. */
async function runLimited<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

interface Env {
  database: Database;
  sealKey: (id: string) => { apiKeyCipher: string; apiKeyLast4: string };
  gatewayUrl: string;
  reload(): Promise<void>;
}

async function affinityRow(env: Env, enabled: boolean, conversations: number, turns: number) {
  const ups = await Promise.all([0, 1, 2].map(() => startSimUpstream("cache")));
  try {
    const { slug, key } = await seed(env.database, env.sealKey, ups, "weighted_round_robin", { enabled });
    await env.reload();
    const url = `${env.gatewayUrl}/api/proxy/${slug}/v1/chat/completions`;
    const runId = randomBytes(3).toString("hex");
    const conversation = async (c: number) => {
      const heads: number[] = [];
      for (let t = 0; t < turns; t++) heads.push(await timedCall(url, key, `${runId}-conv-${c}`, t));
      return heads;
    };
    const heads = (
      await runLimited(
        Array.from({ length: conversations }, (_, c) => () => conversation(c)),
        20,
      )
    ).flat();
    const hits = ups.reduce((n, u) => n + u.hits, 0);
    const misses = ups.reduce((n, u) => n + u.misses, 0);
    return {
      affinity: enabled ? "on" : "off",
      requests: heads.length,
      cacheHitRate: `${((100 * hits) / (hits + misses)).toFixed(1)} %`,
      p50HeadMs: percentile(heads, 50).toFixed(1),
      p99HeadMs: percentile(heads, 99).toFixed(1),
    };
  } finally {
    await Promise.all(ups.map((u) => u.close()));
  }
}

async function latencyRow(env: Env, strategy: StrategyName, requests: number, concurrency: number) {
  let n = 0;
  const ups = await Promise.all([
    startSimUpstream(() => 5),
    startSimUpstream(() => 305),
    // Every fifth request to this one takes 2 s (20 %), deterministically.
    startSimUpstream(() => (++n % 5 === 0 ? 2_000 : 5)),
  ]);
  try {
    const { slug, key } = await seed(env.database, env.sealKey, ups, strategy, { enabled: false });
    await env.reload();
    const url = `${env.gatewayUrl}/api/proxy/${slug}/v1/chat/completions`;
    const started = performance.now();
    const heads = await runLimited(
      Array.from({ length: requests }, (_, i) => () => timedCall(url, key, `r${i}`, 0)),
      concurrency,
    );
    const slow = n;
    return {
      strategy,
      requests,
      "to 5 ms / +300 ms / spiky":
        ups.map((u) => u.hits + u.misses).join(" / ") + ` (${Math.floor(slow / 5)} at 2 s)`,
      seconds: ((performance.now() - started) / 1000).toFixed(1),
      p50Ms: percentile(heads, 50).toFixed(1),
      p99Ms: percentile(heads, 99).toFixed(1),
    };
  } finally {
    await Promise.all(ups.map((u) => u.close()));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      conversations: { type: "string", default: "200" },
      turns: { type: "string", default: "10" },
      requests: { type: "string", default: "1500" },
      concurrency: { type: "string", default: "4" },
    },
  });
  const conversations = Number(values.conversations);
  const turns = Number(values.turns);
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const dir = mkdtempSync(path.join(tmpdir(), "rb-bench-routing-"));
  const database = await openDatabase({ dataDir: path.join(dir, "db") });
  await database.migrate();
  const secret = deriveKey(randomBytes(32).toString("base64"));
  const box = createSecretBox({ keys: [{ id: keyIdOf(secret), key: secret }], activeKeyId: keyIdOf(secret) });
  const credential = `sk-upstream-${randomBytes(8).toString("hex")}`;
  const sealKey = (id: string) => ({
    apiKeyCipher: box.seal(credential, id),
    apiKeyLast4: credential.slice(-4),
  });
  const store = createMemoryStore();
  const gateway = createGateway({
    db: database.db,
    store,
    logger: createLogger("warn"),
    openCredential: (sealed, id) => box.open(sealed, id),
    outbound: loopbackOutboundPolicy(),
    options: { reloadIntervalMs: 0 },
  });
  await gateway.ready();
  const server = await startGatewayOnlyServer({ gateway, port: 0, host: "127.0.0.1" });
  const env: Env = { database, sealKey, gatewayUrl: server.url, reload: () => gateway.reload() };
  try {
    process.stderr.write(`[bench:routing] affinity: ${conversations} conversations x ${turns} turns\n`);
    if (conversations > 0) {
      const affinity = [
        await affinityRow(env, false, conversations, turns),
        await affinityRow(env, true, conversations, turns),
      ];
      process.stdout.write(
        `\nPrompt-cache affinity (${conversations} conversations x ${turns} turns, 3 providers, +${CACHE_MISS_MS} ms head on a miss)\n`,
      );
      console.table(affinity);
    }
    process.stderr.write(`[bench:routing] latency-aware balancing: ${requests} requests\n`);
    const latency = [
      await latencyRow(env, "weighted_round_robin", requests, concurrency),
      await latencyRow(env, "p2c_ewma", requests, concurrency),
    ];
    process.stdout.write(
      `\nLatency-aware balancing (3 providers: 5 ms; +300 ms; 20 % at 2 s — ${requests} requests, ${concurrency} in flight)\n`,
    );
    console.table(latency);
    const ratio = Number(latency[0]!.p99Ms) / Number(latency[1]!.p99Ms);
    process.stdout.write(`p99 weighted_round_robin / p2c_ewma = ${ratio.toFixed(1)}x (target >= 3x)\n`);
  } finally {
    await server.close();
    await gateway.close();
    await store.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
