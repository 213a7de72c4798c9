import type { LoadResult } from "./load";
import type { SseResult } from "./sse-probe";

/**
 * The sides measured in one run: the mock itself, the bare reference proxy, and the gateway (embedded
 * PGlite log), optionally with Redis state or with its log in PostgreSQL. With --server: the real
 * server started as `npm start` starts it (embedded default), and with PostgreSQL + Redis.
 */
export type TargetName =
  | "direct"
  | "bare"
  | "gateway"
  | "gateway+redis"
  | "gateway+postgres"
  | "gateway+capture-errors"
  | "gateway+capture-all"
  | "gateway+quota"
  | "gateway+redis+quota"
  | "server"
  | "server+postgres";

export interface LoadCell {
  readonly target: TargetName;
  readonly load: LoadResult;
  /** p50 through this target minus p50 direct at the same connection count (null for direct). */
  readonly addedP50Ms: number | null;
  /** p99 through this target minus p99 direct at the same connection count (null for direct). */
  readonly addedP99Ms: number | null;
  /** CPU of the target's own process per response (null for direct: nothing between client and mock). */
  readonly cpuUsPerReq: number | null;
  /** Redis (gateway+redis) or PostgreSQL backend (gateway+postgres) CPU per response. */
  readonly storeCpuUsPerReq: number | null;
  readonly rssMb: number | null;
  /** Longest event-loop stall of the target's (main) loop over the measured window, ms. */
  readonly stallMaxMs: number | null;
  /** With --rounds N: CPU per request ÷ the bare reference's, each round paired with its own bare. */
  readonly cpuRatioRounds?: readonly number[];
}

export interface SseRow {
  readonly target: TargetName;
  readonly shape: "openai" | "anthropic";
  readonly result: SseResult;
}

export interface SoakRound {
  readonly round: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly rps: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly logRowsWritten: number | null;
}

export interface TargetCheck {
  readonly name: string;
  /** null when the check could not run (e.g. no gateway, no soak). */
  readonly pass: boolean | null;
  readonly detail: string;
}

export interface BenchSettings {
  readonly connections: number[];
  readonly durationS: number | null;
  readonly requests: number | null;
  readonly warmupS: number;
  /** Times every load cell was measured (sides interleaved per round); 1 unless --rounds. */
  readonly rounds?: number;
  readonly upstreamLatencyMs: number;
  readonly sseEvents: number;
  readonly sseIntervalMs: number;
  readonly sseStreams: number;
  readonly sseConcurrency: number;
  readonly soakRounds: number;
  readonly soakRequests: number;
  readonly redis: boolean;
  readonly postgres: boolean;
  /** --capture: the gateway also measured with its group capturing `errors` and `all` (issue 15). */
  readonly capture: boolean;
  /** --quota: the gateway also measured with a key quota and a tenant quota (memory store, and Redis). */
  readonly quota?: boolean;
  /** Print the LLM-routing tables (affinity, p2c_ewma) after the report (bench/routing.ts). */
  readonly routing?: boolean;
  /** --server: the real server (npm start) instead of the gateway-only child. */
  readonly server?: boolean;
  /** CPUs the load generator / the proxies were pinned to (null: not pinned). */
  readonly pinning?: { readonly load: number; readonly proxies: number } | null;
  /** How the child processes ran: bundled by esbuild (as shipped) or from source under tsx. */
  readonly runtime: "esbuild bundle" | "tsx";
}

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: { readonly cpus: number; readonly node: string; readonly loadAvg: number[] };
  readonly settings: BenchSettings;
  /** Facts each proxy process reported at start (no secrets), by target. */
  readonly processNotes: Record<string, Record<string, string>>;
  /** Targets that could not be started, with the reason. */
  readonly unavailable: Record<string, string>;
  readonly cells: LoadCell[];
  readonly sse: SseRow[];
  readonly soak: SoakRound[];
  readonly checks: TargetCheck[];
}
