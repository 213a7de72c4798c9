import { setTimeout as sleep } from "node:timers/promises";
import type { LoadCell, SoakRound, SseRow, TargetName } from "./bench-types";
import { runLoad, type LoadOptions, type LoadTarget } from "./load";
import type { BenchChild } from "./spawn-child";
import { probeSse, type SseProbeOptions, type SseResult, type SseTarget } from "./sse-probe";

/** One side of the comparison: where to send requests and which process to bill the CPU to. */
export interface BenchSide {
  readonly name: TargetName;
  readonly origin: string;
  /** Prepended to the API path (the gateway's `/api/proxy/{slug}`). */
  readonly pathPrefix: string;
  /** Headers identifying the client (gateway key), per API shape. */
  readonly authHeaders: (shape: "openai" | "anthropic") => Record<string, string>;
  /** The process doing the proxying; null for direct calls to the mock. */
  readonly child: BenchChild | null;
  /** Total CPU µs of a shared-state server (Redis) so far, when one is in the path. */
  readonly storeCpuUs?: () => Promise<number>;
}

const MB = 1024 * 1024;
/** Lets the gateway's batched log writer flush a cell's rows before its CPU is read. */
const SETTLE_MS = 400;

const CHAT_BODY = JSON.stringify({
  model: "mock-model",
  messages: [{ role: "user", content: "Say hello." }],
  max_tokens: 16,
});

const OPENAI_STREAM_BODY = JSON.stringify({
  model: "mock-model",
  messages: [{ role: "user", content: "Say hello." }],
  max_tokens: 64,
  stream: true,
  stream_options: { include_usage: true },
});

const ANTHROPIC_STREAM_BODY = JSON.stringify({
  model: "mock-model",
  max_tokens: 64,
  messages: [{ role: "user", content: "Say hello." }],
  stream: true,
});

/** The JSON chat-completion request every load cell sends. */
export function chatTarget(side: BenchSide): LoadTarget {
  return {
    origin: side.origin,
    path: `${side.pathPrefix}/v1/chat/completions`,
    headers: { "content-type": "application/json", ...side.authHeaders("openai") },
    body: CHAT_BODY,
  };
}

/** A cell before the direct reference of its connection count is known. */
export type MeasuredCell = Omit<LoadCell, "addedP50Ms" | "addedP99Ms">;

/**
 * Measures one cell: warm-up, then load with the side's process CPU and RSS read around it. With
 * `profileFile`, the side's process is CPU-profiled over exactly the measured window (load + settle).
 */
export async function measureCell(
  side: BenchSide,
  load: LoadOptions,
  warmupS: number,
  profileFile: string | null = null,
): Promise<MeasuredCell> {
  const target = chatTarget(side);
  if (warmupS > 0) await runLoad(target, { connections: load.connections, durationS: warmupS });
  await sleep(SETTLE_MS);
  const profiled = profileFile !== null ? side.child : null;
  await profiled?.profile("start");
  const before = side.child ? await side.child.stats() : null;
  const storeBefore = side.storeCpuUs ? await side.storeCpuUs() : null;
  const result = await runLoad(target, load);
  await sleep(SETTLE_MS);
  const after = side.child ? await side.child.stats() : null;
  const storeAfter = side.storeCpuUs ? await side.storeCpuUs() : null;
  if (profiled && profileFile !== null) await profiled.profile("stop", profileFile);
  const perReq = (us: number) => (result.responses > 0 ? us / result.responses : Number.NaN);
  return {
    target: side.name,
    load: result,
    cpuUsPerReq:
      before && after
        ? perReq(after.cpuUserUs + after.cpuSystemUs - before.cpuUserUs - before.cpuSystemUs)
        : null,
    storeCpuUsPerReq: storeBefore !== null && storeAfter !== null ? perReq(storeAfter - storeBefore) : null,
    rssMb: after ? after.rssBytes / MB : null,
    // The `before` read started the window (each read ends one), so this is the cell's worst stall.
    stallMaxMs: after?.extra.eventLoopStallMaxMs ?? null,
  };
}

/** Adds p50 and p99 of (side) − (direct) at the same connection count to each cell. */
export function withAddedLatency(cells: MeasuredCell[]): LoadCell[] {
  return cells.map((c) => {
    const direct = cells.find((d) => d.target === "direct" && d.load.connections === c.load.connections);
    const over = c.target !== "direct" && direct ? direct : null;
    return {
      ...c,
      addedP50Ms: over ? c.load.p50Ms - over.load.p50Ms : null,
      addedP99Ms: over ? c.load.p99Ms - over.load.p99Ms : null,
    };
  });
}

const isOpenAiContent = (frame: string) => frame.includes('"delta":{"content":');
const isAnthropicContent = (frame: string) => frame.startsWith("event: content_block_delta");

/**
 * Probes streaming through one side in both API shapes, each after one unmeasured pass of the same
 * shape: the first burst of streams a process serves pays for JIT compilation and buffer-pool growth,
 * which bunched events in whichever shape ran first (bare proxy and server alike), as a load cell's
 * warm-up does for plain requests.
 */
export async function measureSse(side: BenchSide, options: SseProbeOptions): Promise<SseRow[]> {
  const openai = await probeSseWarm(
    {
      origin: side.origin,
      path: `${side.pathPrefix}/v1/chat/completions`,
      headers: { "content-type": "application/json", ...side.authHeaders("openai") },
      body: OPENAI_STREAM_BODY,
      isContentFrame: isOpenAiContent,
    },
    options,
  );
  const anthropic = await probeSseWarm(
    {
      origin: side.origin,
      path: `${side.pathPrefix}/v1/messages`,
      headers: {
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
        ...side.authHeaders("anthropic"),
      },
      body: ANTHROPIC_STREAM_BODY,
      isContentFrame: isAnthropicContent,
    },
    options,
  );
  return [
    { target: side.name, shape: "openai", result: openai },
    { target: side.name, shape: "anthropic", result: anthropic },
  ];
}

/** One unmeasured pass, then the measured one (see measureSse). */
async function probeSseWarm(target: SseTarget, options: SseProbeOptions): Promise<SseResult> {
  await probeSse(target, options);
  return probeSse(target, options);
}

/** Runs `rounds` × `requests` through the side at 16 connections; RSS after a forced GC each round. */
export async function runSoak(
  side: BenchSide,
  rounds: number,
  requests: number,
  onRound: (round: SoakRound) => void,
): Promise<SoakRound[]> {
  const child = side.child;
  if (!child) throw new Error("the soak needs a proxy process");
  const out: SoakRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const result = await runLoad(chatTarget(side), { connections: 16, amount: requests });
    await sleep(SETTLE_MS * 2);
    const stats = await child.stats(true);
    const r: SoakRound = {
      round,
      requests: result.responses,
      non2xx: result.non2xx + result.errors,
      rps: result.rps,
      rssMb: stats.rssBytes / MB,
      heapUsedMb: stats.heapUsedBytes / MB,
      logRowsWritten: stats.extra.logRowsWritten ?? null,
    };
    onRound(r);
    out.push(r);
  }
  return out;
}
