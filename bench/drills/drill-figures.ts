import { loadavg } from "node:os";
import type { RequestRecord } from "./load-generator";

/** Figures of a slice of the load record, as the drills print them. */
export interface LoadSummary {
  sent: number;
  ok: number;
  /** Failures by status ("429", "502") or network error code ("ECONNREFUSED"). */
  failed: Record<string, number>;
  /** 200s whose stream ended without `[DONE]`. */
  cutStreams: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** JSON answers only (a stream's total time is mostly its own length, ~0.4 s in the drills). */
  jsonP50Ms: number;
  jsonP99Ms: number;
}

/** Requests that started within [from, to). */
export function recordsBetween(records: readonly RequestRecord[], from: number, to: number): RequestRecord[] {
  return records.filter((r) => r.startedAt >= from && r.startedAt < to);
}

/** The value at quantile q (0..1) of an ascending list; 0 when empty. */
export function quantileOf(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? 0;
}

/** Counts and latency percentiles of a slice of requests. */
export function summariseLoad(records: readonly RequestRecord[]): LoadSummary {
  const failed: Record<string, number> = {};
  let ok = 0;
  let cutStreams = 0;
  const latencies: number[] = [];
  const json: number[] = [];
  for (const r of records) {
    latencies.push(r.endedAt - r.startedAt);
    if (!r.streamed) json.push(r.endedAt - r.startedAt);
    if (r.status === 200 && r.complete) {
      ok++;
      continue;
    }
    if (r.status === 200) cutStreams++;
    const key = r.status === 0 ? (r.error ?? "error") : String(r.status);
    failed[key] = (failed[key] ?? 0) + 1;
  }
  latencies.sort((a, b) => a - b);
  json.sort((a, b) => a - b);
  return {
    sent: records.length,
    ok,
    failed,
    cutStreams,
    p50Ms: quantileOf(latencies, 0.5),
    p99Ms: quantileOf(latencies, 0.99),
    maxMs: latencies.at(-1) ?? 0,
    jsonP50Ms: quantileOf(json, 0.5),
    jsonP99Ms: quantileOf(json, 0.99),
  };
}

/** One line: `sent 12000, ok 12000 (100.00 %), failed {…}, p50 3 ms, p99 41 ms, max 90 ms; JSON p50/p99 …`. */
export function formatSummary(s: LoadSummary): string {
  const pct = s.sent === 0 ? "—" : `${((100 * s.ok) / s.sent).toFixed(2)} %`;
  const failed = Object.keys(s.failed).length === 0 ? "none" : JSON.stringify(s.failed);
  return `sent ${s.sent}, ok ${s.ok} (${pct}), failed ${failed}, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, max ${s.maxMs} ms; JSON only p50 ${s.jsonP50Ms} ms, p99 ${s.jsonP99Ms} ms`;
}

/** Least-squares slope of y over x (units of y per unit of x); 0 with fewer than two points. */
export function slopeOf(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Reads one sample (sum over label sets) of a metric from Prometheus text, filtered by a label substring. */
export function metricValue(text: string, name: string, labelFilter = ""): number {
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== " " && rest[0] !== "{") continue;
    if (labelFilter !== "" && !rest.includes(labelFilter)) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `+0s 3/41 ms · +5s 2/30 ms · …`: p50/p99 of the requests started in each step of [from, to). */
export function timelineOf(
  records: readonly RequestRecord[],
  from: number,
  to: number,
  stepMs: number,
): string {
  const parts: string[] = [];
  for (let t = from; t < to; t += stepMs) {
    const s = summariseLoad(recordsBetween(records, t, Math.min(to, t + stepMs)));
    const failed = s.sent - s.ok;
    parts.push(
      `+${Math.round((t - from) / 1000)}s ${s.p50Ms}/${s.p99Ms}${failed > 0 ? ` (${failed} failed)` : ""}`,
    );
  }
  return `${parts.join(" · ")} (p50/p99 ms per ${stepMs / 1000} s)`;
}

/** `load average 3.1 / 2.9 / 2.5` of the machine now. */
export function loadAverageLine(): string {
  return `load average ${loadavg()
    .map((v) => v.toFixed(1))
    .join(" / ")}`;
}
