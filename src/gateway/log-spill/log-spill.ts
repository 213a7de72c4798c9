/**
 * An append-only spill file for request-log batches the database cannot take right now (it is
 * unreachable, or slower than traffic and the in-memory queue is full). Batches are appended as
 * checksummed records to segment files under one folder (DATA_DIR/spill), rotated by size and bounded
 * in total by `maxBytes` (beyond it `append` refuses and the caller counts the rows as dropped).
 * `replay` hands the records back oldest first; a record is forgotten only after its consumer
 * resolved (checkpoint after each record, segment deleted once consumed), so a crash replays at most
 * the record in flight again — the consumer's insert must be idempotent by request id.
 *
 * Everything is derived from the files at open: a restart continues where the last process stopped.
 * A torn record at a segment's end (a crash during a write) is truncated and reported; a damaged
 * record in the middle is skipped, counted and logged. Nothing here throws at the caller on bad data.
 *
 * Durability: each append resolves only after `fdatasync`, so a batch the writer let go of survives a
 * crash of the process and of the machine. That is one sync per batch (hundreds of rows), a handful
 * per second at thousands of requests per second, on libuv's thread pool — not on the event loop.
 * The checkpoint is written without a sync: losing it only means replaying a record once more.
 */
import { mkdir, open, readFile, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { NewRequestLogRow } from "../../db/schema/request-logs";
import type { Logger } from "../../observability/logger";
import { acquireSpillLock, SpillInUseError, type SpillLock } from "./spill-lock";
import {
  encodeRecord,
  parseSegment,
  SEGMENT_HEADER_BYTES,
  SEGMENT_MAGIC,
  type ParsedRecord,
} from "./spill-format";
import { decodeRows, encodeRows } from "./spill-rows";
import {
  loadSegments,
  readCheckpoint,
  segmentName,
  writeCheckpoint,
  type Checkpoint,
  type Segment,
} from "./spill-segments";

export interface LogSpillOptions {
  /** Folder of the segment files (DATA_DIR/spill); created when missing. One process per folder. */
  readonly dir: string;
  /** Bound on the bytes of all segment files (env LOG_SPILL_MAX_BYTES, default 1 GiB). */
  readonly maxBytes?: number;
  /** A new segment is started once the current one would grow past this (default maxBytes / 8, ≤ 16 MiB). */
  readonly segmentBytes?: number;
  readonly logger: Logger;
  /** Minimum gap between two "spill full" warnings (default 10 s). */
  readonly warnIntervalMs?: number;
}

export interface LogSpillStats {
  /** Bytes of all segment files. */
  readonly bytes: number;
  readonly maxBytes: number;
  /** bytes / maxBytes. */
  readonly fillRatio: number;
  /** Records (batches) and rows waiting to be replayed. */
  readonly records: number;
  readonly rows: number;
  readonly appendedRows: number;
  /** Rows `append` refused (spill full, or a write failed): the caller drops them. */
  readonly refusedRows: number;
  readonly replayedRows: number;
  /** Damaged records skipped during replay, and torn records cut off a segment's end. */
  readonly corruptRecords: number;
  readonly tornRecords: number;
}

export interface ReplayResult {
  /** Records and rows consumed by this replay. */
  readonly records: number;
  readonly rows: number;
  /** True when the spill was empty at the end; false when `consume` failed (its record is kept). */
  readonly complete: boolean;
  /** What `consume` threw, when it did. */
  readonly error?: unknown;
}

export interface LogSpill {
  /** Appends one batch durably; false when refused (full, closed, or the write failed). Never rejects. */
  append(rows: readonly NewRequestLogRow[]): Promise<boolean>;
  /**
   * Hands every record to `consume`, oldest first, removing each after `consume` resolved; stops at
   * the first rejection. One replay at a time: a call during a replay gets that replay's result.
   */
  replay(consume: (rows: NewRequestLogRow[]) => Promise<void>): Promise<ReplayResult>;
  stats(): LogSpillStats;
  /** Finishes appends already requested, stops a replay after its current record, releases the folder. */
  close(): Promise<void>;
}

interface ActiveSegment extends Segment {
  readonly handle: FileHandle;
}

export const DEFAULT_LOG_SPILL_MAX_BYTES = 1024 * 1024 * 1024;
const MAX_SEGMENT_BYTES = 16 * 1024 * 1024;
const FILL_WARNINGS = [0.5, 0.8, 0.95];

/** Opens (or creates) the spill in `options.dir`, truncating torn records; throws when another process holds it. */
export async function openLogSpill(options: LogSpillOptions): Promise<LogSpill> {
  const { dir, logger } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_LOG_SPILL_MAX_BYTES;
  const segmentBytes =
    options.segmentBytes ?? Math.min(MAX_SEGMENT_BYTES, Math.max(64 * 1024, Math.floor(maxBytes / 8)));
  const warnIntervalMs = options.warnIntervalMs ?? 10_000;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError("log spill maxBytes must be ≥ 1");
  if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 1) {
    throw new RangeError("log spill segmentBytes must be ≥ 1");
  }
  await mkdir(dir, { recursive: true });
  const lock: SpillLock = await acquireSpillLock(dir);

  let tornRecords = 0;
  let corruptRecords = 0;
  let appendedRows = 0;
  let refusedRows = 0;
  let replayedRows = 0;
  let checkpoint: Checkpoint | null = null;
  let sealed: Segment[] = [];
  let active: ActiveSegment | null = null;
  let nextSeq = 1;
  let usedBytes = 0;
  let closed = false;
  let chain: Promise<unknown> = Promise.resolve();
  let replaying: Promise<ReplayResult> | null = null;
  let warnedLevel = -1;
  let lastFullWarning = Number.NEGATIVE_INFINITY;

  try {
    checkpoint = await readCheckpoint(dir);
    ({ sealed, nextSeq, tornRecords } = await loadSegments(dir, checkpoint, logger));
    usedBytes = sealed.reduce((sum, s) => sum + s.bytes, 0);
  } catch (err) {
    await lock.release();
    throw err;
  }

  /** Runs mutations of the active segment one after another. */
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = chain.then(task);
    chain = run.catch(() => undefined);
    return run;
  };

  const noteFill = () => {
    const ratio = usedBytes / maxBytes;
    let level = -1;
    for (let i = 0; i < FILL_WARNINGS.length; i++) if (ratio >= FILL_WARNINGS[i]!) level = i;
    if (level > warnedLevel) {
      logger.warn(
        { percent: Math.round(ratio * 100), bytes: usedBytes, maxBytes },
        `request-log spill is ${Math.round(FILL_WARNINGS[level]! * 100)} % full`,
      );
    }
    // Re-armed as it drains, so the next outage warns again.
    warnedLevel = level;
  };

  const refuse = (rows: number, reason: string) => {
    refusedRows += rows;
    const t = Date.now();
    if (t - lastFullWarning < warnIntervalMs) return;
    lastFullWarning = t;
    logger.error(
      { refusedRows, bytes: usedBytes, maxBytes, reason },
      "request-log spill refused rows: they are lost",
    );
  };

  const syncDir = async () => {
    // Makes a new segment's directory entry durable; not supported everywhere (then best effort).
    const handle = await open(dir, "r").catch(() => null);
    if (handle === null) return;
    await handle.sync().catch(() => undefined);
    await handle.close();
  };

  const sealActive = async () => {
    const segment = active;
    if (segment === null) return;
    active = null;
    await segment.handle.close().catch(() => undefined);
    const { handle: _handle, ...rest } = segment;
    if (segment.records > 0) {
      sealed.push(rest);
      return;
    }
    usedBytes -= segment.bytes;
    await unlink(segment.path).catch(() => undefined);
  };

  const startSegment = async (): Promise<ActiveSegment> => {
    await sealActive();
    const seq = nextSeq++;
    const file = path.join(dir, segmentName(seq));
    const handle = await open(file, "wx");
    try {
      await handle.write(SEGMENT_MAGIC, 0, SEGMENT_HEADER_BYTES, 0);
      await handle.datasync();
    } catch (err) {
      await handle.close().catch(() => undefined);
      await unlink(file).catch(() => undefined);
      throw err;
    }
    await syncDir();
    usedBytes += SEGMENT_HEADER_BYTES;
    active = { seq, path: file, bytes: SEGMENT_HEADER_BYTES, records: 0, rows: 0, handle };
    return active;
  };

  const appendNow = async (rows: readonly NewRequestLogRow[]): Promise<boolean> => {
    const record = encodeRecord(encodeRows(rows), rows.length);
    const current: ActiveSegment | null = active;
    const rotate = current === null || (current.records > 0 && current.bytes + record.length > segmentBytes);
    const growth = record.length + (rotate ? SEGMENT_HEADER_BYTES : 0);
    if (usedBytes + growth > maxBytes) {
      refuse(rows.length, "full");
      return false;
    }
    const segment = rotate ? await startSegment() : current;
    try {
      await segment.handle.write(record, 0, record.length, segment.bytes);
      await segment.handle.datasync();
    } catch (err) {
      // Leave no half record behind, and write the next batch to a fresh segment.
      await segment.handle.truncate(segment.bytes).catch(() => undefined);
      await sealActive();
      throw err;
    }
    segment.bytes += record.length;
    segment.records++;
    segment.rows += rows.length;
    usedBytes += record.length;
    appendedRows += rows.length;
    noteFill();
    return true;
  };

  /** A record's rows; null (counted, logged) when its payload does not decode, which its checksum makes unlikely. */
  const readBatch = (segment: Segment, record: ParsedRecord): NewRequestLogRow[] | null => {
    try {
      return decodeRows(record.payload);
    } catch (err) {
      corruptRecords++;
      logger.error(
        { segment: path.basename(segment.path), offset: record.offset, err: (err as Error).message },
        "request-log spill: unreadable record skipped; its rows are lost",
      );
      return null;
    }
  };

  const runReplay = async (consume: (rows: NewRequestLogRow[]) => Promise<void>): Promise<ReplayResult> => {
    let records = 0;
    let rows = 0;
    while (!closed) {
      const segment = sealed[0];
      if (segment === undefined) {
        const current: ActiveSegment | null = active;
        if (current === null || current.records === 0) break;
        // Replay the segment being written too: new appends go to the next one.
        await serial(sealActive);
        continue;
      }
      const start = checkpoint?.segment === segment.seq ? checkpoint.offset : SEGMENT_HEADER_BYTES;
      const parsed = parseSegment(await readFile(segment.path), start);
      // Records and damaged stretches in file order; the checkpoint moves past each, so a damaged
      // stretch is counted once even when a replay stops after it and starts again.
      const items = [
        ...parsed.records.map((record) => ({ record, offset: record.offset, end: record.end })),
        ...parsed.corrupt.map((region) => ({ record: null, offset: region.offset, end: region.end })),
      ].sort((a, b) => a.offset - b.offset);
      for (const { record, offset, end } of items) {
        const batch = record === null ? null : readBatch(segment, record);
        if (batch !== null) {
          try {
            await consume(batch);
          } catch (error) {
            return { records, rows, complete: false, error };
          }
          records++;
          rows += batch.length;
          replayedRows += batch.length;
        } else if (record === null) {
          corruptRecords++;
          logger.error(
            { segment: path.basename(segment.path), offset, bytes: end - offset },
            "request-log spill: damaged record skipped (checksum mismatch); its rows are lost",
          );
        }
        if (record !== null) {
          segment.records--;
          segment.rows -= record.rows;
        }
        checkpoint = { segment: segment.seq, offset: end };
        await writeCheckpoint(dir, checkpoint).catch((err: unknown) => {
          logger.warn({ err: (err as Error).message }, "request-log spill: checkpoint not written");
        });
        if (closed) return { records, rows, complete: false };
      }
      if (parsed.tornTailAt !== null) {
        // Only after a failed write whose truncation failed too: the rest of the segment is lost.
        tornRecords++;
        logger.error(
          { segment: path.basename(segment.path), offset: parsed.tornTailAt },
          "request-log spill: incomplete record at the end of a segment skipped",
        );
      }
      await unlink(segment.path);
      sealed.shift();
      usedBytes -= segment.bytes;
      noteFill();
    }
    if (records > 0) logger.info({ records, rows, left: stats().rows }, "request-log spill replayed");
    return { records, rows, complete: !closed && sealed.length === 0 && (active?.records ?? 0) === 0 };
  };

  const stats = (): LogSpillStats => {
    let records = active?.records ?? 0;
    let rows = active?.rows ?? 0;
    for (const s of sealed) {
      records += s.records;
      rows += s.rows;
    }
    return {
      bytes: usedBytes,
      maxBytes,
      fillRatio: usedBytes / maxBytes,
      records,
      rows,
      appendedRows,
      refusedRows,
      replayedRows,
      corruptRecords,
      tornRecords,
    };
  };

  noteFill();
  if (sealed.length > 0) {
    const s = stats();
    logger.warn(
      { records: s.records, rows: s.rows, bytes: s.bytes },
      "request-log spill holds rows from before",
    );
  }

  return {
    append(rows) {
      if (rows.length === 0) return Promise.resolve(true);
      if (closed) {
        refuse(rows.length, "closed");
        return Promise.resolve(false);
      }
      return serial(() => appendNow(rows)).catch((err: unknown) => {
        logger.error({ err: (err as Error).message, rows: rows.length }, "request-log spill write failed");
        refuse(rows.length, "write failed");
        return false;
      });
    },
    replay(consume) {
      replaying ??= runReplay(consume).finally(() => {
        replaying = null;
      });
      return replaying;
    },
    stats,
    async close() {
      if (closed) return;
      closed = true;
      await replaying?.catch(() => undefined);
      await serial(sealActive).catch(() => undefined);
      await lock.release();
    },
  };
}

/**
 * Opens the spill of one process under `dataDir`: `spill`, or — while another process on the same
 * DATA_DIR holds that — `spill-2` … `spill-{slots}`. A slot's leftovers are replayed by whichever
 * process takes it next. Each slot is bounded by `maxBytes` on its own.
 */
export async function openFreeLogSpill(
  dataDir: string,
  options: Omit<LogSpillOptions, "dir"> & { readonly slots?: number },
): Promise<LogSpill> {
  const slots = options.slots ?? 8;
  for (let slot = 1; ; slot++) {
    try {
      return await openLogSpill({
        ...options,
        dir: path.join(dataDir, slot === 1 ? "spill" : `spill-${slot}`),
      });
    } catch (err) {
      if (!(err instanceof SpillInUseError) || slot >= slots) throw err;
    }
  }
}
