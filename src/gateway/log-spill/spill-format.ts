/**
 * The on-disk format of the request-log spill (see README.md in this folder). A segment file starts
 * with an 8-byte header; then records, each a 16-byte header and a payload:
 *
 *   magic "RBSR" | payload length (u32 BE) | rows in the payload (u32 BE) | CRC-32 (u32 BE) | payload
 *
 * The CRC covers the length, the row count and the payload, so a damaged length is caught too. The
 * magic lets a reader find the next record after a damaged one (resynchronisation).
 */
import { crc32 } from "node:zlib";

/** First bytes of every segment file (format version 1). */
export const SEGMENT_MAGIC = Buffer.from("RBSPILL1", "latin1");
export const SEGMENT_HEADER_BYTES = SEGMENT_MAGIC.length;
const RECORD_MAGIC = Buffer.from("RBSR", "latin1");
export const RECORD_HEADER_BYTES = 16;
/** Largest payload a record may carry (a batch of log rows is far below). */
export const MAX_RECORD_PAYLOAD_BYTES = 64 * 1024 * 1024;

/** Frames one payload as a record. */
export function encodeRecord(payload: Buffer, rows: number): Buffer {
  if (payload.length > MAX_RECORD_PAYLOAD_BYTES) {
    throw new RangeError(`spill record payload too large (${payload.length} bytes)`);
  }
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  RECORD_MAGIC.copy(record, 0);
  record.writeUInt32BE(payload.length, 4);
  record.writeUInt32BE(rows, 8);
  record.writeUInt32BE(checksumOf(record, 4, payload), 12);
  payload.copy(record, RECORD_HEADER_BYTES);
  return record;
}

/** CRC-32 of the length and row fields (bytes 4..12 of the header) followed by the payload. */
function checksumOf(header: Buffer, at: number, payload: Buffer): number {
  return crc32(payload, crc32(header.subarray(at, at + 8)));
}

export interface ParsedRecord {
  /** Offset of the record's header in the segment. */
  readonly offset: number;
  /** Offset just past the record. */
  readonly end: number;
  readonly rows: number;
  readonly payload: Buffer;
}

export interface ParsedSegment {
  /** Valid records at or after the start offset, in order. */
  readonly records: readonly ParsedRecord[];
  /** Damaged stretches followed by a valid record: skipped (each counts as one corrupt record). */
  readonly corrupt: readonly { readonly offset: number; readonly end: number }[];
  /** Where a damaged or incomplete stretch runs to the end of the segment (a torn write); else null. */
  readonly tornTailAt: number | null;
}

/** The valid record at `offset`, or null when the bytes there are not one (damaged or incomplete). */
function recordAt(segment: Buffer, offset: number): ParsedRecord | null {
  if (offset + RECORD_HEADER_BYTES > segment.length) return null;
  if (!segment.subarray(offset, offset + 4).equals(RECORD_MAGIC)) return null;
  const length = segment.readUInt32BE(offset + 4);
  const end = offset + RECORD_HEADER_BYTES + length;
  if (length > MAX_RECORD_PAYLOAD_BYTES || end > segment.length) return null;
  const payload = segment.subarray(offset + RECORD_HEADER_BYTES, end);
  if (checksumOf(segment, offset + 4, payload) !== segment.readUInt32BE(offset + 12)) return null;
  return { offset, end, rows: segment.readUInt32BE(offset + 8), payload };
}

/** The offset of the next valid record after `from`, or -1. */
function nextRecordAfter(segment: Buffer, from: number): number {
  for (let at = segment.indexOf(RECORD_MAGIC, from); at !== -1; at = segment.indexOf(RECORD_MAGIC, at + 1)) {
    if (recordAt(segment, at) !== null) return at;
  }
  return -1;
}

/** Whether the buffer starts with the segment header. */
export function hasSegmentHeader(segment: Buffer): boolean {
  return (
    segment.length >= SEGMENT_HEADER_BYTES && segment.subarray(0, SEGMENT_HEADER_BYTES).equals(SEGMENT_MAGIC)
  );
}

/**
 * Reads a segment's records from `start` (default: just past the header), verifying each checksum.
 * Never throws on damaged data: a damaged stretch with a valid record after it is reported in
 * `corrupt` and skipped; one that runs to the end is reported as `tornTailAt`.
 */
export function parseSegment(segment: Buffer, start = SEGMENT_HEADER_BYTES): ParsedSegment {
  const records: ParsedRecord[] = [];
  const corrupt: { offset: number; end: number }[] = [];
  let at = start;
  while (at < segment.length) {
    const record = recordAt(segment, at);
    if (record !== null) {
      records.push(record);
      at = record.end;
      continue;
    }
    const next = nextRecordAfter(segment, at + 1);
    if (next === -1) return { records, corrupt, tornTailAt: at };
    corrupt.push({ offset: at, end: next });
    at = next;
  }
  return { records, corrupt, tornTailAt: null };
}
