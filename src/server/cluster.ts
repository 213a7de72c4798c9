import cluster, { type Worker } from "node:cluster";
import type { Logger } from "@/observability/logger";

/**
 * WORKERS=N: N processes serving one port through node:cluster (the primary accepts connections and
 * hands them round-robin to the workers; it opens no database, store or server of its own). Every
 * worker runs the same role as a separate instance would: state is shared the way several instances
 * share it (limits, health and config announcements through Redis, one PostgreSQL), which is why
 * parseEnv refuses WORKERS > 1 without both. All workers serve the console and admin API too: a
 * connection lands on any worker, and an admin write is applied locally then announced to the others
 * over Redis, as between instances (read-your-writes holds on the worker that took the write).
 */

/** IPC message the primary sends a worker to start its graceful shutdown. */
const SHUTDOWN_MESSAGE = "roundabout:shutdown";
/** A worker that dies is replaced, unless this many died within RESTART_WINDOW_MS (a crash loop). */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
/** After the workers were told to stop, the primary waits this long before killing what is left. */
const STOP_TIMEOUT_MS = 60_000;
/** A sibling that has not reloaded within this long does not hold up an admin write's answer. */
const RELOAD_TIMEOUT_MS = 2_000;

/** Worker → primary: "I applied a write; make the others reload". Primary → worker: "reload now". */
interface ReloadMessage {
  readonly type:
    "roundabout:reload" | "roundabout:reload-request" | "roundabout:reload-done" | "roundabout:reloaded";
  readonly id: number;
}

function isReloadMessage(message: unknown): message is ReloadMessage {
  const m = message as Partial<ReloadMessage> | null;
  return typeof m === "object" && m !== null && typeof m.type === "string" && typeof m.id === "number";
}

export interface ClusterPrimaryOptions {
  readonly workers: number;
  readonly logger: Logger;
  /** Called once every worker listens, with the port they share. */
  readonly onListening?: (port: number) => void;
  /** Ends the primary; process.exit by default. */
  readonly exit?: (code: number) => void;
}

/**
 * Runs this process as the cluster primary: forks the first worker and waits until it listens (so
 * migrations and the first-start admin bootstrap run once, not N times at once), then the others.
 * Replaces a worker that dies (a crash loop, or a worker that fails before it ever listened, stops
 * the whole cluster with exit code 1), and turns SIGTERM/SIGINT into a graceful stop of every worker.
 */
export async function runClusterPrimary(options: ClusterPrimaryOptions): Promise<void> {
  const { workers, logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  let exitCode = 0;
  const restarts: number[] = [];
  const everListened = new WeakSet<Worker>();

  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = Math.max(exitCode, code);
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker?.isConnected()) worker.send(SHUTDOWN_MESSAGE);
    }
    setTimeout(() => {
      logger.warn("workers still running after the stop timeout; killing them");
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
      exit(1);
    }, STOP_TIMEOUT_MS).unref();
    if (Object.keys(cluster.workers ?? {}).length === 0) exit(exitCode);
  };

  cluster.on("exit", (worker, code, signal) => {
    settleReload(worker.id, null);
    if (stopping) {
      if (code !== 0 && code !== null) exitCode = Math.max(exitCode, 1);
      if (Object.keys(cluster.workers ?? {}).length === 0) exit(exitCode);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, "worker exited");
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && (restarts[0] as number) <= now - RESTART_WINDOW_MS) restarts.shift();
    if (!everListened.has(worker) || restarts.length > MAX_RESTARTS) {
      logger.fatal(
        { restarts: restarts.length },
        "worker failed to start or keeps dying; stopping the cluster",
      );
      stopAll(1);
      return;
    }
    fork();
  });

  // Read-your-writes across workers: a write's answer waits until every sibling reloaded (bounded).
  let reloadSeq = 0;
  const pendingReloads = new Map<number, { waiting: Set<number>; done: () => void }>();
  const relayReload = (origin: Worker, originId: number) => {
    const seq = ++reloadSeq;
    const siblings = Object.values(cluster.workers ?? {}).filter(
      (w): w is Worker => w !== undefined && w !== origin && everListened.has(w) && w.isConnected(),
    );
    const done = () => {
      if (!pendingReloads.delete(seq)) return;
      clearTimeout(timer);
      if (origin.isConnected())
        origin.send({ type: "roundabout:reloaded", id: originId } satisfies ReloadMessage);
    };
    const timer = setTimeout(done, RELOAD_TIMEOUT_MS);
    pendingReloads.set(seq, { waiting: new Set(siblings.map((w) => w.id)), done });
    for (const sibling of siblings) {
      sibling.send({ type: "roundabout:reload-request", id: seq } satisfies ReloadMessage);
    }
    if (siblings.length === 0) done();
  };
  const settleReload = (workerId: number, seq: number | null) => {
    for (const [key, pending] of pendingReloads) {
      if (seq !== null && key !== seq) continue;
      pending.waiting.delete(workerId);
      if (pending.waiting.size === 0) pending.done();
    }
  };
  cluster.on("message", (worker, message: unknown) => {
    if (!isReloadMessage(message)) return;
    if (message.type === "roundabout:reload") relayReload(worker, message.id);
    if (message.type === "roundabout:reload-done") settleReload(worker.id, message.id);
  });

  const fork = () =>
    new Promise<number>((resolve) => {
      const worker = cluster.fork();
      worker.once("listening", (address) => {
        everListened.add(worker);
        resolve(address.port);
      });
    });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, "second signal: killing the workers");
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
      exit(1);
      return;
    }
    logger.info(
      { signal, workers: Object.keys(cluster.workers ?? {}).length },
      "signal received; stopping workers",
    );
    stopAll(0);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  logger.info({ workers }, "starting workers");
  const port = await fork();
  const ports = await Promise.all(Array.from({ length: workers - 1 }, fork));
  if (stopping) return;
  if (ports.some((p) => p !== port)) logger.warn({ port, ports }, "workers listen on different ports");
  logger.info({ port, workers }, "all workers listening");
  options.onListening?.(port);
}

let stopWorker: (() => void) | null = null;

/**
 * In a cluster worker, listens for the primary's stop from the very start: before
 * followPrimaryShutdown installed the graceful path (the runtime is still starting, nothing is in
 * flight) the worker just exits. Call it first thing in a worker; no-op elsewhere.
 */
export function listenForPrimaryShutdown(exit = (code: number) => process.exit(code)): void {
  if (!cluster.isWorker) return;
  process.on("message", (message: unknown) => {
    if (message !== SHUTDOWN_MESSAGE) return;
    if (stopWorker === null) exit(0);
    else stopWorker();
  });
}

/** In a cluster worker, makes the primary's stop run `shutdown` (a signal may start it too). */
export function followPrimaryShutdown(
  shutdown: () => Promise<void>,
  exit = (code: number) => process.exit(code),
) {
  if (!cluster.isWorker) return;
  stopWorker = () => void shutdown().then(() => exit(0));
}

let workerReloadSeq = 0;
const waitingReloads = new Map<number, () => void>();

/**
 * In a cluster worker, makes every sibling reload its routing snapshot and resolves once they all did
 * (or after RELOAD_TIMEOUT_MS): an admin write answered by one worker is then seen by the next request
 * whichever worker takes it. Resolves at once outside a cluster.
 */
export function reloadSiblings(): Promise<void> {
  if (!cluster.isWorker || !process.send) return Promise.resolve();
  const id = ++workerReloadSeq;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      waitingReloads.delete(id);
      resolve();
    }, RELOAD_TIMEOUT_MS + 500);
    waitingReloads.set(id, () => {
      clearTimeout(timer);
      resolve();
    });
    process.send!({ type: "roundabout:reload", id } satisfies ReloadMessage);
  });
}

/** In a cluster worker, reloads when a sibling applied a write (and tells the primary it did). */
export function answerSiblingReloads(reload: () => Promise<void>, onError: (err: unknown) => void): void {
  if (!cluster.isWorker) return;
  process.on("message", (message: unknown) => {
    if (!isReloadMessage(message)) return;
    if (message.type === "roundabout:reloaded") {
      waitingReloads.get(message.id)?.();
      waitingReloads.delete(message.id);
      return;
    }
    if (message.type !== "roundabout:reload-request") return;
    void reload()
      .catch(onError)
      .finally(() =>
        process.send?.({ type: "roundabout:reload-done", id: message.id } satisfies ReloadMessage),
      );
  });
}

/** True in the primary of a multi-worker start (it forks workers instead of serving). */
export function isClusterPrimary(workers: number): boolean {
  return workers > 1 && cluster.isPrimary;
}

/** True in a worker forked by runClusterPrimary. */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}
