import { createHistogram } from "node:perf_hooks";
import autocannon from "autocannon";

/** One HTTP endpoint under load: where to send what. */
export interface LoadTarget {
  /** Origin, e.g. http://127.0.0.1:1234 */
  readonly origin: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface LoadOptions {
  connections: number;
  /** Run for this many seconds... */
  durationS?: number;
  /** ...or until this many requests completed (takes precedence). */
  amount?: number;
}

export interface LoadResult {
  readonly connections: number;
  /** Responses received (any status). */
  readonly responses: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly durationS: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly meanMs: number;
}

const REQUEST_TIMEOUT_S = 10;

/**
 * Drives `target` with autocannon. Latencies are recorded from its per-response event into a
 * microsecond histogram: autocannon's own histogram stores whole milliseconds, too coarse for
 * sub-millisecond added latency.
 */
export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  const histogram = createHistogram();
  let responses = 0;
  let non2xx = 0;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.origin + target.path,
        method: "POST",
        headers: target.headers,
        body: target.body,
        connections: options.connections,
        pipelining: 1,
        timeout: REQUEST_TIMEOUT_S,
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationS ?? 5 }),
      },
      (err: unknown, res: autocannon.Result) => {
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve(res);
      },
    );
    instance.on("response", (_client, statusCode, _bytes, responseTimeMs) => {
      responses++;
      if (statusCode < 200 || statusCode > 299) non2xx++;
      histogram.record(Math.max(1, Math.round(responseTimeMs * 1000)));
    });
  });
  const elapsedS = (performance.now() - started) / 1000;
  const durationS = result.duration > 0 ? result.duration : elapsedS;
  return {
    connections: options.connections,
    responses,
    non2xx,
    errors: result.errors,
    durationS,
    rps: responses / durationS,
    p50Ms: responses > 0 ? histogram.percentile(50) / 1000 : Number.NaN,
    p90Ms: responses > 0 ? histogram.percentile(90) / 1000 : Number.NaN,
    p99Ms: responses > 0 ? histogram.percentile(99) / 1000 : Number.NaN,
    p999Ms: responses > 0 ? histogram.percentile(99.9) / 1000 : Number.NaN,
    meanMs: responses > 0 ? histogram.mean / 1000 : Number.NaN,
  };
}
