import { Pool } from "undici";
import { median, percentile } from "./percentile";

/** A streaming endpoint to probe, and how to recognise its content events. */
export interface SseTarget {
  readonly origin: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Content events (text deltas), as opposed to preludes and trailers. */
  readonly isContentFrame: (frame: string) => boolean;
}

export interface SseProbeOptions {
  streams: number;
  concurrency: number;
  /** Nominal spacing of the upstream's content events. */
  intervalMs: number;
  /** Per-stream bound. */
  timeoutMs: number;
}

export interface SseResult {
  readonly streams: number;
  readonly failed: number;
  /** Time to the first body byte (p50 over streams). */
  readonly ttfbP50Ms: number;
  /** Time to the first content event (p50 over streams). */
  readonly firstContentP50Ms: number;
  /** Time to the first content event (p99 over streams): what the slowest streams wait. */
  readonly firstContentP99Ms: number;
  readonly gaps: number;
  readonly gapMeanMs: number;
  readonly gapP50Ms: number;
  readonly gapMinMs: number;
  readonly gapMaxMs: number;
  /** Mean of |gap − interval|. */
  readonly gapMeanDeviationMs: number;
  /** Gaps shorter than half the interval: events that arrived bunched together. */
  readonly bunched: number;
}

interface StreamTiming {
  ttfbMs: number;
  contentTimes: number[];
}

/** Reads one stream, time-stamping each complete frame as the client receives it. */
async function readStream(client: Pool, target: SseTarget, timeoutMs: number): Promise<StreamTiming> {
  const t0 = performance.now();
  const { statusCode, body } = await client.request({
    path: target.path,
    method: "POST",
    headers: target.headers,
    body: target.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (statusCode !== 200) {
    const text = await body.text();
    throw new Error(`stream answered ${statusCode}: ${text.slice(0, 200)}`);
  }
  let ttfbMs = -1;
  let pending = "";
  const contentTimes: number[] = [];
  for await (const chunk of body) {
    const at = performance.now() - t0;
    if (ttfbMs < 0) ttfbMs = at;
    pending += (chunk as Buffer).toString("utf8");
    let end = pending.indexOf("\n\n");
    while (end !== -1) {
      if (target.isContentFrame(pending.slice(0, end))) contentTimes.push(at);
      pending = pending.slice(end + 2);
      end = pending.indexOf("\n\n");
    }
  }
  return { ttfbMs, contentTimes };
}

/**
 * Opens `streams` SSE responses (at most `concurrency` at once) and measures time to first byte and
 * the gaps between content events as received: a proxy that buffers shows gaps near zero followed by
 * long ones.
 */
export async function probeSse(target: SseTarget, options: SseProbeOptions): Promise<SseResult> {
  const client = new Pool(target.origin, { connections: options.concurrency, pipelining: 1 });
  const timings: StreamTiming[] = [];
  let failed = 0;
  let started = 0;
  const worker = async () => {
    while (started < options.streams) {
      started++;
      try {
        timings.push(await readStream(client, target, options.timeoutMs));
      } catch {
        failed++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, options.streams) }, worker));
  } finally {
    await client.close();
  }
  const gaps: number[] = [];
  for (const t of timings) {
    for (let i = 1; i < t.contentTimes.length; i++) gaps.push(t.contentTimes[i]! - t.contentTimes[i - 1]!);
  }
  const sum = gaps.reduce((a, b) => a + b, 0);
  const deviation = gaps.reduce((a, g) => a + Math.abs(g - options.intervalMs), 0);
  return {
    streams: timings.length,
    failed,
    ttfbP50Ms: median(timings.map((t) => t.ttfbMs)),
    firstContentP50Ms: median(timings.map((t) => t.contentTimes[0] ?? Number.NaN)),
    firstContentP99Ms: percentile(
      timings.map((t) => t.contentTimes[0] ?? Number.NaN),
      0.99,
    ),
    gaps: gaps.length,
    gapMeanMs: gaps.length > 0 ? sum / gaps.length : Number.NaN,
    gapP50Ms: median(gaps),
    gapMinMs: gaps.length > 0 ? Math.min(...gaps) : Number.NaN,
    gapMaxMs: gaps.length > 0 ? Math.max(...gaps) : Number.NaN,
    gapMeanDeviationMs: gaps.length > 0 ? deviation / gaps.length : Number.NaN,
    bunched: gaps.filter((g) => g < options.intervalMs / 2).length,
  };
}
