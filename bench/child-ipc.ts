import { startEventLoopStallMonitor } from "../src/observability/event-loop-stall";
import { createWindowProfiler } from "./cpu-profiler";
import { parentMessageSchema, type ChildMessage } from "./ipc-protocol";

/** What a child's start function hands back once its servers listen. */
export interface StartedChild {
  urls: Record<string, string>;
  notes?: Record<string, string>;
  /** Extra counters reported with every stats answer (e.g. log rows written). */
  extra?: () => Record<string, number>;
  close(): Promise<void>;
}

const CLOSE_TIMEOUT_MS = 15_000;

function send(message: ChildMessage): void {
  // The callback swallows EPIPE when the parent is already gone; `disconnect` handles the exit.
  if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
}

/**
 * Runs a benchmark child: starts its servers, reports `ready` over IPC, answers stats requests, and
 * exits when asked, when its parent goes away (no orphans), or after a failed start.
 */
export function serveBenchChild(start: () => Promise<StartedChild>): void {
  if (!process.send) {
    console.error("This script is a benchmark child process: run `npm run bench` instead.");
    process.exit(2);
  }
  let exiting = false;
  let started: StartedChild | null = null;
  const starting = start();
  const profiler = createWindowProfiler();
  // The same measure the real server exposes on /metrics: each stats answer ends one window.
  const stall = startEventLoopStallMonitor();

  const exit = (code: number) => {
    if (exiting) return;
    exiting = true;
    // A hung close must not keep the process alive: the parent waits for the exit.
    setTimeout(() => process.exit(code), CLOSE_TIMEOUT_MS).unref();
    // A start still in progress is awaited so what it opened (temp folders, servers) is closed too.
    const closing = starting.then(
      (s) => s.close(),
      () => undefined,
    );
    closing.then(
      () => process.exit(code),
      () => process.exit(code),
    );
  };

  process.on("disconnect", () => exit(0));
  process.on("message", (raw: unknown) => {
    const parsed = parentMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.type === "close") {
      exit(0);
      return;
    }
    if (msg.type === "profile") {
      const { id } = msg;
      const done =
        msg.action === "start" ? profiler.start() : profiler.stop(msg.file ?? `${process.pid}.cpuprofile`);
      done.then(
        () => send({ type: "profiled", id }),
        (err: unknown) => send({ type: "profiled", id, error: String(err) }),
      );
      return;
    }
    if (msg.gc && typeof globalThis.gc === "function") {
      globalThis.gc();
      globalThis.gc();
    }
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    send({
      type: "stats",
      id: msg.id,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      extra: { eventLoopStallMaxMs: stall.readMaxSeconds() * 1000, ...started?.extra?.() },
    });
  });

  starting.then(
    (s) => {
      started = s;
      if (exiting || !process.connected) {
        exit(0);
        return;
      }
      send({ type: "ready", urls: s.urls, notes: s.notes ?? {} });
    },
    (err: unknown) => {
      send({ type: "failed", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      exit(1);
    },
  );
}
