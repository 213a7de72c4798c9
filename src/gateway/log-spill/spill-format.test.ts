import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  encodeRecord,
  hasSegmentHeader,
  parseSegment,
  RECORD_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  SEGMENT_MAGIC,
} from "./spill-format";

/** A segment of records with the given payloads (row count = index + 1), and each record's offset. */
function segmentOf(payloads: string[]): { segment: Buffer; offsets: number[] } {
  const parts: Buffer[] = [SEGMENT_MAGIC];
  const offsets: number[] = [];
  let at = SEGMENT_HEADER_BYTES;
  payloads.forEach((p, i) => {
    const record = encodeRecord(Buffer.from(p), i + 1);
    offsets.push(at);
    at += record.length;
    parts.push(record);
  });
  return { segment: Buffer.concat(parts), offsets };
}

const texts = (segment: Buffer, start?: number) =>
  parseSegment(segment, start).records.map((r) => r.payload.toString());

describe("spill record format", () => {
  it("uses the standard CRC-32 (the zlib polynomial)", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
  });

  it("frames records that read back in order, with row counts and offsets", () => {
    const { segment, offsets } = segmentOf(["[1]", '["two"]', "", "x".repeat(70_000)]);
    expect(hasSegmentHeader(segment)).toBe(true);
    const parsed = parseSegment(segment);
    expect(parsed.corrupt).toEqual([]);
    expect(parsed.tornTailAt).toBeNull();
    expect(parsed.records.map((r) => [r.offset, r.rows, r.payload.length])).toEqual([
      [offsets[0], 1, 3],
      [offsets[1], 2, 7],
      [offsets[2], 3, 0],
      [offsets[3], 4, 70_000],
    ]);
    expect(parsed.records[0]!.end).toBe(offsets[1]);
    expect(parsed.records[3]!.end).toBe(segment.length);
    // From a checkpoint: only the records from there on.
    expect(texts(segment, offsets[2])).toEqual(["", "x".repeat(70_000)]);
  });

  it("reports an incomplete last record as a torn tail, keeping the records before it", () => {
    const { segment, offsets } = segmentOf(["a", "b", "c"]);
    for (const cut of [1, RECORD_HEADER_BYTES - 1, RECORD_HEADER_BYTES, segment.length - offsets[2]! - 1]) {
      const torn = segment.subarray(0, offsets[2]! + cut);
      const parsed = parseSegment(torn);
      expect(parsed.records.map((r) => r.payload.toString())).toEqual(["a", "b"]);
      expect(parsed.tornTailAt).toBe(offsets[2]);
      expect(parsed.corrupt).toEqual([]);
    }
    // Zeros where the last write should have been (a file system that extended the file first).
    const zeroed = Buffer.concat([segment.subarray(0, offsets[2]), Buffer.alloc(40)]);
    expect(parseSegment(zeroed).tornTailAt).toBe(offsets[2]);
  });

  it("skips a damaged middle record (payload, length or row count) and finds the next one", () => {
    const { segment, offsets } = segmentOf(["first", "second", "third"]);
    for (const at of [
      offsets[1]! + RECORD_HEADER_BYTES + 2,
      offsets[1]! + 5,
      offsets[1]! + 9,
      offsets[1]! + 13,
    ]) {
      const damaged = Buffer.from(segment);
      damaged[at] = damaged[at]! ^ 0xff;
      const parsed = parseSegment(damaged);
      expect(parsed.records.map((r) => r.payload.toString())).toEqual(["first", "third"]);
      expect(parsed.corrupt).toEqual([{ offset: offsets[1], end: offsets[2] }]);
      expect(parsed.tornTailAt).toBeNull();
    }
  });

  it("is not fooled by the record magic inside a payload when resynchronising", () => {
    const { segment, offsets } = segmentOf(["ok", "RBSR RBSR payload with the magic RBSR", "last"]);
    const damaged = Buffer.from(segment);
    damaged[offsets[1]!] = 0; // the damaged record's own magic
    const parsed = parseSegment(damaged);
    expect(parsed.records.map((r) => r.payload.toString())).toEqual(["ok", "last"]);
    expect(parsed.corrupt).toEqual([{ offset: offsets[1], end: offsets[2] }]);
  });

  it("treats a damaged last record as a torn tail and a foreign file as no segment", () => {
    const { segment, offsets } = segmentOf(["a", "b"]);
    const damaged = Buffer.from(segment);
    damaged[segment.length - 1] = damaged[segment.length - 1]! ^ 1;
    expect(parseSegment(damaged).tornTailAt).toBe(offsets[1]);
    expect(hasSegmentHeader(Buffer.from("not a spill segment"))).toBe(false);
    expect(hasSegmentHeader(SEGMENT_MAGIC.subarray(0, 4))).toBe(false);
  });
});
