import type { Agent } from "undici";
import type { PrivatePostgres } from "../../src/testing/private-postgres";
import type { PrivateRedis } from "../../src/testing/private-redis";
import {
  formatSummary,
  loadAverageLine,
  recordsBetween,
  sleep,
  summariseLoad,
  timelineOf,
} from "./drill-figures";
import type { DrillKey } from "./drill-seed";
import { sendChat, type LoadGenerator, type LoadTarget } from "./load-generator";
import type { MetricsSampler } from "./metrics-sampler";
import type { RoundaboutInstance } from "./roundabout-instance";

/**
 * The four outage phases of `npm run drill:outages`, each under the steady load: (a) PostgreSQL
 * stopped, (b) Redis stopped and frozen, (c) SIGTERM of an instance with open streams, (d) kill -9 of
 * an instance and its restart. Each prints what it saw and records its time span, so request-log rows
 * can be counted per phase once everything has drained.
 */

export interface PhaseSpan {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

export interface DrillContext {
  readonly outageMs: number;
  readonly freezeMs: number;
  /** Steady load before and after each event. */
  readonly settleMs: number;
  readonly pg: PrivatePostgres;
  readonly redis: PrivateRedis;
  readonly instances: readonly [RoundaboutInstance, RoundaboutInstance];
  readonly load: LoadGenerator;
  readonly sampler: MetricsSampler;
  /** For the drill's own side requests (limit checks, long streams). */
  readonly agent: Agent;
  readonly viaNginx: LoadTarget;
  readonly slowGroupSlug: string;
  readonly limitKeys: readonly [DrillKey, DrillKey];
  readonly limitPerMinute: number;
  readonly spans: PhaseSpan[];
}

const DRAIN_TIMEOUT_MS = 300_000;
const BREAKER_CLOSE_TIMEOUT_MS = 60_000;

function say(line: string): void {
  console.log(line);
}

/** CPU use of each instance between two readings, as `A 23 %, B 19 %`. */
function cpuLine(ctx: DrillContext, before: readonly number[], after: readonly number[], ms: number): string {
  return ctx.instances
    .map((i, n) => `${i.name} ${((100 * ((after[n] ?? 0) - (before[n] ?? 0))) / (ms / 1000)).toFixed(0)} %`)
    .join(", ");
}

const cpuNow = (ctx: DrillContext) => ctx.instances.map((i) => i.cpuSeconds());

function printWindow(ctx: DrillContext, label: string, from: number, to: number): void {
  say(`  ${label}: ${formatSummary(summariseLoad(recordsBetween(ctx.load.records, from, to)))}`);
}

/** Waits until every request started before `t` has been recorded (bounded by the request timeout). */
async function settleRecords(ctx: DrillContext): Promise<void> {
  await sleep(1_500);
  for (let i = 0; i < 60 && ctx.load.inFlight() > 400; i++) await sleep(1_000);
}

/** (a) PostgreSQL stopped for the outage, then started: success, spill, drain. */
export async function runDatabaseOutage(ctx: DrillContext): Promise<void> {
  say(`\n== (a) PostgreSQL stopped for ${ctx.outageMs / 1000} s (${loadAverageLine()}) ==`);
  const from = Date.now();
  await sleep(ctx.settleMs);
  const cpuBefore = cpuNow(ctx);
  const down = Date.now();
  await ctx.pg.stop();
  await sleep(ctx.outageMs);
  await ctx.pg.start();
  const up = Date.now();
  const cpuDuring = cpuNow(ctx);
  const drainMs = await ctx.sampler.waitFor(
    (s) => s.spillRows === 0 && s.queueDepth < 1_000,
    DRAIN_TIMEOUT_MS,
  );
  await sleep(ctx.settleMs);
  const to = Date.now();
  ctx.spans.push({ name: "a: PostgreSQL stop", from, to });
  await settleRecords(ctx);
  printWindow(ctx, "before the outage", from, down);
  printWindow(ctx, "during the outage", down, up);
  printWindow(ctx, "after (back → end)", up, to);
  printWindow(ctx, "whole phase", from, to);
  say(`  timeline: ${timelineOf(ctx.load.records, from, to, 5_000)}`);
  say(`  spill rows max per instance: ${JSON.stringify(ctx.sampler.maxOf("spillRows", down, to))}`);
  say(`  spill bytes max per instance: ${JSON.stringify(ctx.sampler.maxOf("spillBytes", down, to))}`);
  say(
    `  log rows dropped (process total) max per instance: ${JSON.stringify(ctx.sampler.maxOf("dropped", down, to))}`,
  );
  say(`  log queue depth max per instance: ${JSON.stringify(ctx.sampler.maxOf("queueDepth", down, to))}`);
  say(`  CPU of each instance during the outage: ${cpuLine(ctx, cpuBefore, cpuDuring, up - down)}`);
  say(
    `  time from PostgreSQL back to spill + queue drained: ${drainMs < 0 ? "not drained" : `${drainMs} ms`}`,
  );
}

/** Sends limit+5 JSON requests with a fresh limited key through nginx; counts 200s and 429s. */
async function checkLimitExact(ctx: DrillContext, key: DrillKey): Promise<string> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < ctx.limitPerMinute + 5; i++) {
    const r = await sendChat(ctx.agent, ctx.viaNginx, false, key.key);
    const k = r.status === 0 ? (r.error ?? "error") : String(r.status);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  const limited = counts["429"] ?? 0;
  return `limit ${ctx.limitPerMinute}/min, sent ${ctx.limitPerMinute + 5}: ${JSON.stringify(counts)} → ${limited === 5 ? "exact" : `NOT exact (expected 5 × 429, got ${limited})`}`;
}

async function redisVariant(
  ctx: DrillContext,
  label: string,
  outageMs: number,
  key: DrillKey,
  cause: () => Promise<void>,
  recover: () => Promise<void>,
): Promise<void> {
  say(`\n== (b) Redis ${label} for ${outageMs / 1000} s, STATE_STORE_FAILURE=open (${loadAverageLine()}) ==`);
  const from = Date.now();
  const cpuStart = cpuNow(ctx);
  await sleep(ctx.settleMs);
  const cpuBefore = cpuNow(ctx);
  const down = Date.now();
  const before = await ctx.sampler.scrape();
  await cause();
  await sleep(outageMs);
  await recover();
  const up = Date.now();
  const cpuDuring = cpuNow(ctx);
  const closeMs = await ctx.sampler.waitFor((s) => s.breakerOpen === 0, BREAKER_CLOSE_TIMEOUT_MS);
  // A probe answers within a second of the breaker's timer; give reconnects a moment more.
  await sleep(2_000);
  const checkFrom = await ctx.sampler.scrape();
  const limitLine = await checkLimitExact(ctx, key);
  const checkTo = await ctx.sampler.scrape();
  const opensInCheck = checkTo.map(
    (s) => s.breakerOpens - (checkFrom.find((b) => b.instance === s.instance)?.breakerOpens ?? 0),
  );
  await sleep(ctx.settleMs);
  const to = Date.now();
  const after = await ctx.sampler.scrape();
  ctx.spans.push({ name: `b: Redis ${label}`, from, to });
  await settleRecords(ctx);
  printWindow(ctx, "before the outage", from, down);
  printWindow(ctx, "during the outage", down, up);
  printWindow(ctx, "first 2 s of it", down, down + 2_000);
  printWindow(ctx, "after (back → end)", up, to);
  say(`  timeline: ${timelineOf(ctx.load.records, from, to, 5_000)}`);
  printWindow(ctx, "whole phase", from, to);
  const delta = (field: "breakerOpens" | "breakerCloses") =>
    JSON.stringify(
      Object.fromEntries(
        after.map((s) => [
          s.instance,
          s[field] - (before.find((b) => b.instance === s.instance)?.[field] ?? 0),
        ]),
      ),
    );
  say(`  breaker opens per instance: ${delta("breakerOpens")}, closes: ${delta("breakerCloses")}`);
  say(
    `  scrapes (1 per s, 4 per s while waiting for it to close) showing the breaker open: ${JSON.stringify(ctx.sampler.openSeconds(down, to))}`,
  );
  say(
    `  breaker closed on every instance ${closeMs < 0 ? "— NOT within 60 s" : `${closeMs} ms after Redis was back`}`,
  );
  say(`  rate limit after recovery: ${limitLine}; breaker opens meanwhile: ${JSON.stringify(opensInCheck)}`);
  say(
    `  CPU of each instance before: ${cpuLine(ctx, cpuStart, cpuBefore, down - from)}; during: ${cpuLine(ctx, cpuBefore, cpuDuring, up - down)}`,
  );
}

/** (b) Redis killed for the outage then restarted (empty), then frozen (SIGSTOP) and thawed. */
export async function runRedisOutages(ctx: DrillContext): Promise<void> {
  const [killKey, freezeKey] = ctx.limitKeys;
  await redisVariant(
    ctx,
    "stopped (killed, restarted empty)",
    ctx.outageMs,
    killKey,
    () => ctx.redis.kill(),
    () => ctx.redis.restart(),
  );
  await redisVariant(
    ctx,
    "frozen (SIGSTOP, connections stay open)",
    ctx.freezeMs,
    freezeKey,
    async () => ctx.redis.freeze(),
    async () => ctx.redis.thaw(),
  );
}

/** Time from `since` until a 200 answered through nginx by `instance`; -1 when none within `timeoutMs`. */
async function timeToFirstSuccessVia(
  ctx: DrillContext,
  instance: RoundaboutInstance,
  since: number,
  timeoutMs: number,
): Promise<number> {
  const tag = `127.0.0.1:${instance.port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const first = ctx.load.records.find(
      (r) => r.startedAt >= since && r.status === 200 && r.upstream === tag,
    );
    if (first !== undefined) return first.endedAt - since;
    await sleep(100);
  }
  return -1;
}

function upstreamShare(ctx: DrillContext, from: number, to: number): string {
  const counts: Record<string, number> = {};
  for (const r of recordsBetween(ctx.load.records, from, to)) {
    const k = r.upstream ?? "none";
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return JSON.stringify(counts);
}

/** (c) SIGTERM one instance while it serves 20 long streams; restart it afterwards. */
export async function runGracefulStop(ctx: DrillContext): Promise<void> {
  const [target] = ctx.instances;
  say(`\n== (c) SIGTERM ${target.name} with 20 open streams (${loadAverageLine()}) ==`);
  const from = Date.now();
  await sleep(ctx.settleMs);
  const direct: LoadTarget = { ...ctx.viaNginx, baseUrl: target.url, groupSlug: ctx.slowGroupSlug };
  let heads = 0;
  const streams = Array.from({ length: 20 }, () =>
    sendChat(ctx.agent, direct, true, direct.apiKey, () => heads++),
  );
  // SIGTERM only once every stream is open (its head arrived), bounded by the streams' own length.
  for (let i = 0; i < 50 && heads < 20; i++) await sleep(100);
  const openAtTerm = heads;
  const term = Date.now();
  target.signal("SIGTERM");
  await target.waitExit();
  const exited = Date.now();
  const done = await Promise.all(streams);
  const complete = done.filter((r) => r.status === 200 && r.complete).length;
  const { restart, startMs, firstMs, to } = await restartAndRejoin(ctx, target, "c: SIGTERM", from);
  say(
    `  streams open (head received) at SIGTERM: ${openAtTerm}/20 (each ~5 s), completed with [DONE]: ${complete}/20`,
  );
  say(`  ${target.name} exited ${exited - term} ms after SIGTERM`);
  printWindow(ctx, "SIGTERM → exit", term, exited);
  printWindow(ctx, "exit → restart", exited, restart);
  say(`  answered by (SIGTERM → restart): ${upstreamShare(ctx, term, restart)}`);
  say(
    `  restart: ready in ${startMs} ms, first 200 through it via nginx ${firstMs} ms after the restart began`,
  );
  printWindow(ctx, "whole phase", from, to);
}

/**
 * After an instance went down: let traffic settle, restart it, time its first success through nginx,
 * settle again, and record the phase's span (phases c and d end the same way).
 */
async function restartAndRejoin(
  ctx: DrillContext,
  target: DrillContext["instances"][number],
  phase: string,
  from: number,
): Promise<{ restart: number; startMs: number; firstMs: number; to: number }> {
  await sleep(ctx.settleMs);
  const restart = Date.now();
  const startMs = await target.start();
  const firstMs = await timeToFirstSuccessVia(ctx, target, restart, 60_000);
  await sleep(ctx.settleMs);
  const to = Date.now();
  ctx.spans.push({ name: phase, from, to });
  await settleRecords(ctx);
  return { restart, startMs, firstMs, to };
}

/** (d) kill -9 one instance under load; restart it and time its first success through nginx. */
export async function runHardKill(ctx: DrillContext): Promise<void> {
  const target = ctx.instances[1];
  say(`\n== (d) kill -9 ${target.name} under load (${loadAverageLine()}) ==`);
  const from = Date.now();
  await sleep(ctx.settleMs);
  const inFlight = ctx.load.inFlight();
  const kill = Date.now();
  target.signal("SIGKILL");
  await target.waitExit();
  const { restart, startMs, firstMs, to } = await restartAndRejoin(ctx, target, "d: kill -9", from);
  const hit = ctx.load.records.filter((r) => r.startedAt < kill && r.endedAt >= kill);
  const hitFailed = hit.filter((r) => !(r.status === 200 && r.complete)).length;
  const after = summariseLoad(recordsBetween(ctx.load.records, kill, restart));
  say(`  requests in flight (both instances) at the kill: ${inFlight}; of those, failed: ${hitFailed}`);
  say(`  started after the kill, before the restart: ${formatSummary(after)}`);
  say(`  answered by (kill → restart): ${upstreamShare(ctx, kill, restart)}`);
  say(
    `  restart: ready in ${startMs} ms, first 200 through it via nginx ${firstMs} ms after the restart began`,
  );
  printWindow(ctx, "whole phase", from, to);
}
