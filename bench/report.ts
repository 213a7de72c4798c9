import type { BenchReport, LoadCell, SoakRound, SseRow, TargetCheck, TargetName } from "./bench-types";
import { median } from "./percentile";
import type { SseResult } from "./sse-probe";

/** Targets from the data-plane issue, measured on this 2-core machine with every feature on. */
export const TARGETS = {
  addedP50Ms: 0.3,
  cpuRatio: 1.5,
  /** RSS growth allowed from the first to the last soak round. */
  rssGrowth: 0.1,
  /** Share of bunched gaps the gateway may show above the worst of direct and bare (stall noise). */
  bunchedShareSlack: 0.02,
  /** How far the gateway's median gap may be from the upstream's interval. */
  gapP50SlackMs: 2,
  /** Issue 12: the gateway's first-event p99 within this share above the bare proxy's. */
  firstEventP99Ratio: 1.2,
  /** Issue 12, embedded default at 16 connections: p99 over the bare proxy's, and the longest stall. */
  addedP99OverBareMs: 2,
  stallMaxMs: 5,
  tailConnections: 16,
  /** Issue 15: gateway CPU per request with capture `all` at most this many times capture `off`'s. */
  captureAllCpuRatio: 1.25,
} as const;

const ORDER: TargetName[] = [
  "direct",
  "bare",
  "gateway",
  "gateway+redis",
  "gateway+postgres",
  "gateway+capture-errors",
  "gateway+capture-all",
  "gateway+quota",
  "gateway+redis+quota",
  "server",
  "server+postgres",
];
/** What the extra server CPU column of a target is. */
const STORE_LABEL: Partial<Record<TargetName, string>> = {
  "gateway+redis": "redis",
  "gateway+redis+quota": "redis",
  "gateway+postgres": "pg",
  "server+postgres": "pg+redis",
};

/** The target the checks are about: the real server when it was measured (--server), else the gateway. */
function mainTarget(report: Pick<BenchReport, "cells" | "settings">): TargetName {
  return report.settings.server || report.cells.some((c) => c.target === "server") ? "server" : "gateway";
}

function num(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return value.toFixed(digits);
}

/** Renders rows as a markdown-style table with padded columns. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i < 2 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

function cellFor(cells: LoadCell[], target: TargetName, connections: number): LoadCell | undefined {
  return cells.find((c) => c.target === target && c.load.connections === connections);
}

/** CPU per request ÷ the bare reference's: the median of the per-round ratios when rounds were run. */
function cpuRatio(cell: LoadCell, bare: LoadCell | undefined): number | null {
  if (cell.cpuRatioRounds && cell.cpuRatioRounds.length > 0) return median(cell.cpuRatioRounds);
  return cell.cpuUsPerReq !== null && bare?.cpuUsPerReq ? cell.cpuUsPerReq / bare.cpuUsPerReq : null;
}

function loadTable(report: BenchReport): string {
  const rows: string[][] = [];
  for (const connections of report.settings.connections) {
    const bare = cellFor(report.cells, "bare", connections);
    for (const target of ORDER) {
      const c = cellFor(report.cells, target, connections);
      if (!c) continue;
      const ratio = target !== "bare" ? cpuRatio(c, bare) : null;
      rows.push([
        String(connections),
        target,
        num(c.load.rps, 0),
        num(c.load.p50Ms, 3),
        num(c.load.p90Ms, 3),
        num(c.load.p99Ms, 3),
        num(c.load.p999Ms, 2),
        num(c.addedP50Ms, 3),
        num(c.addedP99Ms, 3),
        num(c.cpuUsPerReq, 0) +
          (c.storeCpuUsPerReq !== null
            ? ` (+${num(c.storeCpuUsPerReq, 0)} ${STORE_LABEL[target] ?? "server"})`
            : ""),
        num(ratio, 2),
        num(c.rssMb, 0),
        num(c.stallMaxMs, 1),
        `${c.load.non2xx}/${c.load.errors}`,
      ]);
    }
  }
  return renderTable(
    [
      "conns",
      "target",
      "req/s",
      "p50 ms",
      "p90 ms",
      "p99 ms",
      "p99.9 ms",
      "added p50 ms",
      "added p99 ms",
      "CPU µs/req",
      "CPU ×bare",
      "RSS MB",
      "stall ms",
      "non2xx/err",
    ],
    rows,
  );
}

function sseTable(rows: SseRow[], intervalMs: number): string {
  return renderTable(
    [
      "shape",
      "target",
      "streams",
      "TTFB p50 ms",
      "1st content p50 ms",
      "1st content p99 ms",
      `gap p50 ms (nominal ${intervalMs})`,
      "gap mean",
      "gap min",
      "gap max",
      "mean |dev| ms",
      "bunched",
    ],
    rows.map((r) => [
      r.shape,
      r.target,
      `${r.result.streams}${r.result.failed > 0 ? ` (${r.result.failed} failed)` : ""}`,
      num(r.result.ttfbP50Ms, 2),
      num(r.result.firstContentP50Ms, 2),
      num(r.result.firstContentP99Ms, 2),
      num(r.result.gapP50Ms, 2),
      num(r.result.gapMeanMs, 2),
      num(r.result.gapMinMs, 2),
      num(r.result.gapMaxMs, 2),
      num(r.result.gapMeanDeviationMs, 2),
      `${r.result.bunched}/${r.result.gaps}`,
    ]),
  );
}

function soakTable(rounds: SoakRound[], target: TargetName): string {
  return renderTable(
    ["round", "target", "requests", "non2xx", "req/s", "RSS MB (after GC)", "heap MB", "log rows written"],
    rounds.map((r) => [
      String(r.round),
      target,
      String(r.requests),
      String(r.non2xx),
      num(r.rps, 0),
      num(r.rssMb, 1),
      num(r.heapUsedMb, 1),
      r.logRowsWritten === null ? "—" : String(r.logRowsWritten),
    ]),
  );
}

/** Checks the issue's targets against the figures; a check is null when its input was not measured. */
export function evaluateTargets(report: Omit<BenchReport, "checks" | "finishedAt">): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const main = mainTarget(report);
  const gw1 = cellFor(report.cells, main, 1);
  checks.push({
    name: `added p50 ≤ ${TARGETS.addedP50Ms} ms at 1 connection`,
    pass: gw1?.addedP50Ms != null ? gw1.addedP50Ms <= TARGETS.addedP50Ms : null,
    detail:
      gw1?.addedP50Ms != null
        ? `${main} adds ${num(gw1.addedP50Ms, 3)} ms (bare reference adds ${num(cellFor(report.cells, "bare", 1)?.addedP50Ms, 3)} ms)`
        : "not measured",
  });

  const ratios = report.settings.connections.flatMap((c) => {
    const cell = cellFor(report.cells, main, c);
    const ratio = cell ? cpuRatio(cell, cellFor(report.cells, "bare", c)) : null;
    const rounds = cell?.cpuRatioRounds;
    const each = rounds && rounds.length > 1 ? ` (rounds ${rounds.map((r) => num(r, 2)).join(", ")})` : "";
    return ratio !== null ? [{ c, ratio, each }] : [];
  });
  checks.push({
    name: `${main} CPU per request ≤ ${TARGETS.cpuRatio}× bare reference`,
    pass: ratios.length > 0 ? ratios.every((r) => r.ratio <= TARGETS.cpuRatio) : null,
    detail:
      ratios.length > 0
        ? ratios.map((r) => `${r.c} conn: ${num(r.ratio, 2)}×${r.each}`).join(", ")
        : "not measured",
  });

  const sseDetails: string[] = [];
  let ssePass: boolean | null = null;
  const share = (r: SseResult | undefined) => (r && r.gaps > 0 ? r.bunched / r.gaps : 0);
  for (const shape of ["openai", "anthropic"] as const) {
    const find = (t: TargetName) => report.sse.find((r) => r.shape === shape && r.target === t)?.result;
    const gw = find(main);
    if (!gw || gw.gaps === 0) continue;
    // Scheduling stalls on a busy machine bunch a few events anywhere; a buffering proxy bunches most.
    const baseline = Math.max(share(find("direct")), share(find("bare")));
    const ok =
      gw.failed === 0 &&
      share(gw) <= baseline + TARGETS.bunchedShareSlack &&
      Math.abs(gw.gapP50Ms - report.settings.sseIntervalMs) <= TARGETS.gapP50SlackMs;
    ssePass = (ssePass ?? true) && ok;
    sseDetails.push(
      `${shape}: ${gw.bunched}/${gw.gaps} gaps bunched (direct/bare worst ${num(baseline * 100, 1)}%), ` +
        `median gap ${num(gw.gapP50Ms, 2)} ms`,
    );
  }
  checks.push({
    name: "SSE gaps preserved (no bunching)",
    pass: ssePass,
    detail: sseDetails.length > 0 ? sseDetails.join("; ") : "not measured",
  });

  const firstDetails: string[] = [];
  let firstPass: boolean | null = null;
  for (const shape of ["openai", "anthropic"] as const) {
    const find = (t: TargetName) => report.sse.find((r) => r.shape === shape && r.target === t)?.result;
    const gw = find(main);
    const bare = find("bare");
    if (!gw || !bare || !Number.isFinite(gw.firstContentP99Ms) || !Number.isFinite(bare.firstContentP99Ms)) {
      continue;
    }
    const ok =
      gw.failed === 0 &&
      gw.firstContentP99Ms <= bare.firstContentP99Ms * TARGETS.firstEventP99Ratio &&
      gw.bunched <= bare.bunched;
    firstPass = (firstPass ?? true) && ok;
    firstDetails.push(
      `${shape}: first event p99 ${num(gw.firstContentP99Ms, 1)} ms vs bare ${num(bare.firstContentP99Ms, 1)} ms ` +
        `(${num(gw.firstContentP99Ms / bare.firstContentP99Ms, 2)}×), bunched ${gw.bunched} vs bare ${bare.bunched}`,
    );
  }
  checks.push({
    name: `SSE first event p99 ≤ ${TARGETS.firstEventP99Ratio}× bare, bunched gaps ≤ bare's count`,
    pass: firstPass,
    detail: firstDetails.length > 0 ? firstDetails.join("; ") : "not measured",
  });

  const tailC = TARGETS.tailConnections;
  const tail = cellFor(report.cells, main, tailC);
  const tailBare = cellFor(report.cells, "bare", tailC);
  const overBare = tail && tailBare ? tail.load.p99Ms - tailBare.load.p99Ms : null;
  checks.push({
    name: `${main} p99 ≤ bare p99 + ${TARGETS.addedP99OverBareMs} ms at ${tailC} connections`,
    pass: overBare === null ? null : overBare <= TARGETS.addedP99OverBareMs,
    detail:
      overBare === null
        ? "not measured"
        : `p99 ${num(tail?.load.p99Ms, 2)} ms vs bare ${num(tailBare?.load.p99Ms, 2)} ms (${overBare >= 0 ? "+" : ""}${num(overBare, 2)} ms)`,
  });
  const stall = tail?.stallMaxMs ?? null;
  checks.push({
    name: `${main} longest event-loop stall ≤ ${TARGETS.stallMaxMs} ms at ${tailC} connections`,
    pass: stall === null || Number.isNaN(stall) ? null : stall <= TARGETS.stallMaxMs,
    detail:
      stall === null || Number.isNaN(stall)
        ? "not measured"
        : `${num(stall, 1)} ms (bare ${num(tailBare?.stallMaxMs, 1)} ms)`,
  });

  const off = cellFor(report.cells, "gateway", tailC);
  const all = cellFor(report.cells, "gateway+capture-all", tailC);
  const captureRatio =
    off?.cpuUsPerReq && all?.cpuUsPerReq !== null && all?.cpuUsPerReq !== undefined
      ? all.cpuUsPerReq / off.cpuUsPerReq
      : null;
  checks.push({
    name: `capture "all" gateway CPU ≤ ${TARGETS.captureAllCpuRatio}× capture "off" at ${tailC} connections`,
    pass: captureRatio === null ? null : captureRatio <= TARGETS.captureAllCpuRatio,
    detail:
      captureRatio === null
        ? "not measured (use --capture)"
        : `${num(all?.cpuUsPerReq, 0)} vs ${num(off?.cpuUsPerReq, 0)} µs/req (${num(captureRatio, 2)}×)`,
  });

  const first = report.soak[0];
  const last = report.soak[report.soak.length - 1];
  const growth = first && last && report.soak.length > 1 ? last.rssMb / first.rssMb - 1 : null;
  checks.push({
    name: `RSS flat across repeated ${report.settings.soakRequests}-request runs (≤ ${TARGETS.rssGrowth * 100}% growth)`,
    pass: growth === null ? null : growth <= TARGETS.rssGrowth,
    detail:
      growth === null
        ? "not run (use --soak)"
        : `${report.soak.map((r) => num(r.rssMb, 1)).join(" → ")} MB (${growth >= 0 ? "+" : ""}${num(growth * 100, 1)}%)`,
  });
  return checks;
}

/** The cost of a gateway variant relative to the embedded one (gateway or server), per connection count. */
function variantLine(
  report: BenchReport,
  target: TargetName,
  title: string,
  server: string | null,
): string | null {
  const base: TargetName = target.startsWith("server") ? "server" : "gateway";
  const lines = report.settings.connections.flatMap((c) => {
    const g = cellFor(report.cells, base, c);
    const r = cellFor(report.cells, target, c);
    if (!g || !r || g.cpuUsPerReq === null || r.cpuUsPerReq === null) return [];
    return [
      `  ${c} conn: p50 ${num(r.load.p50Ms - g.load.p50Ms, 3)} ms, gateway CPU ${num(r.cpuUsPerReq - g.cpuUsPerReq, 0)} µs/req` +
        (server === null ? "" : `, ${server} CPU ${num(r.storeCpuUsPerReq, 0)} µs/req`) +
        `, req/s ${num((r.load.rps / g.load.rps - 1) * 100, 1)}%`,
    ];
  });
  return lines.length > 0 ? [`${title} (${target} minus embedded ${base}):`, ...lines].join("\n") : null;
}

/** Formats the whole report as plain text: load table, SSE table, soak rows, target checks. */
export function formatReport(report: BenchReport): string {
  const s = report.settings;
  const parts: string[] = [
    `Roundabout data-plane benchmark — ${report.startedAt} — node ${report.machine.node}, ${report.machine.cpus} CPUs, ` +
      `load avg ${report.machine.loadAvg.map((l) => l.toFixed(2)).join(" ")}`,
    `Each cell: ${s.requests !== null ? `${s.requests} requests` : `${s.durationS} s`} after a ${s.warmupS} s warm-up; ` +
      ((s.rounds ?? 1) > 1
        ? `${s.rounds} rounds, sides back to back in each: the round of median CPU is shown, ×bare is the median of the within-round ratios; `
        : "") +
      `POST /v1/chat/completions (JSON, mock latency ${s.upstreamLatencyMs} ms); CPU = the target process's user+system time / responses; ` +
      `children run as ${s.runtime === "tsx" ? "TypeScript sources under tsx" : "esbuild bundles (as shipped)"}.`,
  ];
  if (s.server) {
    parts.push(
      "server / server+postgres: the real server started by `node scripts/start.mjs` (as `npm start`), console, logging, " +
        "rollups, alert scheduler and health checks on; its CPU and RSS are the whole process tree's (every thread, from /proc). " +
        "stall = longest event-loop stall of the cell (the server's roundabout_event_loop_stall_max_seconds; the children's own monitor). " +
        (s.pinning
          ? `Load generator and mocks pinned to CPU ${s.pinning.load}, bare proxy and servers to CPU ${s.pinning.proxies} (taskset).`
          : "Not pinned (no taskset)."),
    );
  }
  for (const [name, why] of Object.entries(report.unavailable)) parts.push(`!! ${name} not measured: ${why}`);
  for (const [name, notes] of Object.entries(report.processNotes)) {
    if (notes.rss) parts.push(`${name} process RSS: ${notes.rss}.`);
  }
  parts.push("", loadTable(report));
  for (const c of report.cells) {
    if (c.load.non2xx + c.load.errors > 0) {
      parts.push(
        `!! ${c.target} at ${c.load.connections} conn: ${c.load.non2xx} non-2xx, ${c.load.errors} errors — its figures mix in failures`,
      );
    }
  }
  const redis = variantLine(report, "gateway+redis", "Cost of shared state", "redis-server");
  if (redis) parts.push("", redis);
  const pg = variantLine(report, "gateway+postgres", "Request log in PostgreSQL", "PostgreSQL backend");
  if (pg) parts.push("", pg);
  const spg = variantLine(
    report,
    "server+postgres",
    "Real server on PostgreSQL + Redis",
    "PostgreSQL + Redis",
  );
  if (spg) parts.push("", spg);
  for (const mode of ["errors", "all"] as const) {
    const line = variantLine(report, `gateway+capture-${mode}`, `Request capture "${mode}"`, null);
    if (line) parts.push("", line);
  }
  if (report.sse.length > 0) {
    parts.push(
      "",
      `SSE: ${s.sseStreams} streams per row (${s.sseConcurrency} at a time), ${s.sseEvents} content events ${s.sseIntervalMs} ms apart, ` +
        `each row after one unmeasured pass of the same shape; ` +
        `"bunched" = gaps < ${s.sseIntervalMs / 2} ms.`,
      sseTable(report.sse, s.sseIntervalMs),
    );
  }
  if (report.soak.length > 0) {
    parts.push("", "RSS soak (16 connections):", soakTable(report.soak, mainTarget(report)));
  }
  parts.push("", "Targets:");
  for (const c of report.checks) {
    const mark = c.pass === null ? "–" : c.pass ? "✓" : "✗";
    parts.push(`  ${mark} ${c.name}: ${c.detail}`);
  }
  return parts.join("\n");
}
