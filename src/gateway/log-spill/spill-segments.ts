/**
 * The spill folder's files: segments (`seg-<12 digits>.log`, numbered in order) and the replay
 * checkpoint. Reading what earlier processes left is done here, once, when a spill opens.
 */
import { readdir, readFile, rename, rm, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../../observability/logger";
import { hasSegmentHeader, parseSegment, SEGMENT_HEADER_BYTES, SEGMENT_MAGIC } from "./spill-format";

export interface Segment {
  readonly seq: number;
  readonly path: string;
  bytes: number;
  /** Records and rows not yet replayed. */
  records: number;
  rows: number;
}

/** Where replay continues: the first record not yet consumed. */
export interface Checkpoint {
  readonly segment: number;
  readonly offset: number;
}

const SEGMENT_FILE = /^seg-(\d{12})\.log$/;
const CHECKPOINT_FILE = "checkpoint.json";

/** The file name of segment number `seq`. */
export const segmentName = (seq: number) => `seg-${String(seq).padStart(12, "0")}.log`;

/**
 * Records the checkpoint (write + rename, no sync: a lost checkpoint only replays a record again,
 * which the idempotent consumer absorbs).
 */
export async function writeCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  const file = path.join(dir, CHECKPOINT_FILE);
  await writeFile(`${file}.tmp`, JSON.stringify(checkpoint));
  await rename(`${file}.tmp`, file);
}

/** The last checkpoint, or null when there is none or it is unreadable (then replay starts at the top). */
export async function readCheckpoint(dir: string): Promise<Checkpoint | null> {
  const file = path.join(dir, CHECKPOINT_FILE);
  try {
    const value = JSON.parse(await readFile(file, "utf8")) as { segment?: unknown; offset?: unknown };
    if (Number.isSafeInteger(value.segment) && Number.isSafeInteger(value.offset)) {
      return { segment: value.segment as number, offset: value.offset as number };
    }
  } catch {
    // missing or unreadable: replaying from the top is safe (the consumer is idempotent)
  }
  return null;
}

/**
 * Reads the segment files left by earlier processes: consumed ones are deleted, torn tails cut off,
 * a file that is not a segment is set aside as `*.corrupt`. Returns the pending segments, oldest first.
 */
export async function loadSegments(
  dir: string,
  checkpoint: Checkpoint | null,
  logger: Logger,
): Promise<{ sealed: Segment[]; nextSeq: number; tornRecords: number }> {
  const files = (await readdir(dir))
    .map((name) => ({ name, match: SEGMENT_FILE.exec(name) }))
    .filter((f) => f.match !== null)
    .map((f) => ({ file: path.join(dir, f.name), seq: Number(f.match![1]) }))
    .sort((a, b) => a.seq - b.seq);
  const sealed: Segment[] = [];
  let tornRecords = 0;
  // Numbers only grow, also across an emptied folder: a lower number would pass for consumed.
  let nextSeq = (checkpoint?.segment ?? 0) + 1;
  for (const { file, seq } of files) {
    nextSeq = Math.max(nextSeq, seq + 1);
    if (checkpoint !== null && seq < checkpoint.segment) {
      await rm(file, { force: true });
      continue;
    }
    const buffer = await readFile(file);
    if (!hasSegmentHeader(buffer)) {
      if (buffer.length < SEGMENT_HEADER_BYTES && SEGMENT_MAGIC.subarray(0, buffer.length).equals(buffer)) {
        await rm(file, { force: true }); // created, crashed before its header was complete: empty
      } else {
        logger.error(
          { segment: path.basename(file) },
          "request-log spill: not a segment file; set aside as .corrupt",
        );
        await rename(file, `${file}.corrupt`);
      }
      continue;
    }
    const start =
      checkpoint?.segment === seq ? Math.max(SEGMENT_HEADER_BYTES, checkpoint.offset) : SEGMENT_HEADER_BYTES;
    const parsed = parseSegment(buffer, start);
    let bytes = buffer.length;
    if (parsed.tornTailAt !== null) {
      tornRecords++;
      bytes = parsed.tornTailAt;
      await truncate(file, bytes);
      logger.warn(
        { segment: path.basename(file), offset: bytes, bytes: buffer.length - bytes },
        "request-log spill: torn record at the end of a segment (a crash during a write) truncated",
      );
    }
    if (parsed.records.length === 0) {
      await rm(file, { force: true });
      continue;
    }
    const rows = parsed.records.reduce((sum, r) => sum + r.rows, 0);
    sealed.push({ seq, path: file, bytes, records: parsed.records.length, rows });
  }
  return { sealed, nextSeq, tornRecords };
}
