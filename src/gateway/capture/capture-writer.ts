import type { Db } from "../../db/client";
import { requestCaptures, type NewRequestCaptureRow } from "../../db/schema/request-captures";
import type { Logger } from "../../observability/logger";
import { toCaptureRow, type PendingCapture } from "../../stats/capture-row";

/**
 * Stores captures off the request path: `write()` appends to a bounded queue (by count and by the
 * bytes it holds); a timer turns queued captures into redacted, compressed rows and inserts them in
 * small batches. When the queue is full, or the database refuses a batch, captures are dropped and
 * counted (`dropped`) — a capture is debugging help, never a reason to slow or fail a request.
 */

export interface CaptureWriterOptions {
  readonly db: Db;
  readonly logger: Logger;
  /** Header and JSON field names redacted besides the built-in ones. */
  readonly redactNames?: readonly string[];
  /** Captures waiting at most (default 1,000). */
  readonly maxQueue?: number;
  /** Raw bytes held by waiting captures at most (default 64 MiB). */
  readonly maxQueuedBytes?: number;
  /** Captures per insert (default 20). */
  readonly batchSize?: number;
  /** Delay before queued captures are written (default 250 ms). */
  readonly flushIntervalMs?: number;
  /** Minimum gap between two warnings (default 10 s). */
  readonly warnIntervalMs?: number;
}

export interface CaptureWriterStats {
  readonly queued: number;
  readonly queuedBytes: number;
  readonly written: number;
  /** Captures dropped: queue full, or their batch failed to insert. */
  readonly dropped: number;
}

export interface CaptureWriter {
  /** Queues one finished request's capture; never blocks, never throws. */
  write(capture: PendingCapture): void;
  /** Writes everything queued now. */
  flush(): Promise<void>;
  /** Final flush; later writes are dropped. */
  close(): Promise<void>;
  stats(): CaptureWriterStats;
}

/** Raw bytes a pending capture holds in memory. */
function sizeOf(capture: PendingCapture): number {
  let bytes = Math.min(capture.body.length, capture.maxBytes);
  for (const attempt of capture.attempts) bytes += attempt.body?.kept ?? 0;
  return bytes;
}

/** Creates a capture writer (its timer is unref'd; call close() on shutdown). */
export function createCaptureWriter(options: CaptureWriterOptions): CaptureWriter {
  const maxQueue = options.maxQueue ?? 1_000;
  const maxQueuedBytes = options.maxQueuedBytes ?? 64 * 1024 * 1024;
  const batchSize = options.batchSize ?? 20;
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  const warnIntervalMs = options.warnIntervalMs ?? 10_000;
  const redactNames = options.redactNames ?? [];
  const { db, logger } = options;
  let queue: { capture: PendingCapture; bytes: number }[] = [];
  let queuedBytes = 0;
  let written = 0;
  let dropped = 0;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let lastWarn = 0;

  const warn = (message: string, fields: Record<string, unknown>) => {
    const t = Date.now();
    if (t - lastWarn < warnIntervalMs) return;
    lastWarn = t;
    logger.warn({ ...fields, dropped }, message);
  };

  const insertBatch = async (batch: PendingCapture[]) => {
    const rows: NewRequestCaptureRow[] = [];
    for (const capture of batch) rows.push(await toCaptureRow(capture, redactNames));
    await db.insert(requestCaptures).values(rows).onConflictDoNothing();
  };

  const runDrain = async () => {
    while (queue.length > 0) {
      const taken = queue.slice(0, batchSize);
      queue = queue.slice(taken.length);
      for (const entry of taken) queuedBytes -= entry.bytes;
      try {
        await insertBatch(taken.map((entry) => entry.capture));
        written += taken.length;
      } catch (err) {
        dropped += taken.length;
        warn("request captures could not be stored; dropped", {
          err: err instanceof Error ? err.message.split("\n")[0]!.slice(0, 200) : String(err),
        });
      }
    }
  };

  const drain = (): Promise<void> => {
    running ??= runDrain().finally(() => {
      running = null;
    });
    return running;
  };

  const schedule = () => {
    if (timer !== null || closed) return;
    timer = setTimeout(() => {
      timer = null;
      void drain();
    }, flushIntervalMs);
    timer.unref();
  };

  const flush = async () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    await drain();
    // A write during the drain queued more.
    if (queue.length > 0) await drain();
  };

  return {
    write(capture) {
      const bytes = sizeOf(capture);
      if (closed || queue.length >= maxQueue || queuedBytes + bytes > maxQueuedBytes) {
        dropped++;
        warn("request capture queue full; capture dropped", { maxQueue, maxQueuedBytes });
        return;
      }
      queue.push({ capture, bytes });
      queuedBytes += bytes;
      schedule();
    },
    flush,
    async close() {
      await flush();
      closed = true;
    },
    stats: () => ({ queued: queue.length, queuedBytes, written, dropped }),
  };
}
