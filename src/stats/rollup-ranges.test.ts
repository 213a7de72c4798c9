import { describe, expect, it } from "vitest";
import { rollupSegments } from "./rollup-ranges";

const at = (s: string) => Date.parse(s);
const show = (from: string, to: string) =>
  rollupSegments(at(from), at(to)).map((s) => [
    s.grain,
    new Date(s.fromMs).toISOString(),
    new Date(s.toMs).toISOString(),
  ]);

describe("rollupSegments", () => {
  it("reads whole UTC days from day rollups", () => {
    expect(show("2026-12-01T00:00:00Z", "2026-12-07T00:00:00Z")).toEqual([
      [1440, "2026-12-01T00:00:00.000Z", "2026-12-07T00:00:00.000Z"],
    ]);
  });

  it("reads a whole-hour zone's days as hours at both ends and UTC days between", () => {
    // Asia/Shanghai: the month starts at 16:00 UTC the day before, today at 16:00 UTC.
    expect(show("2026-11-30T16:00:00Z", "2026-12-06T16:00:00Z")).toEqual([
      [1440, "2026-12-01T00:00:00.000Z", "2026-12-06T00:00:00.000Z"],
      [60, "2026-11-30T16:00:00.000Z", "2026-12-01T00:00:00.000Z"],
      [60, "2026-12-06T00:00:00.000Z", "2026-12-06T16:00:00.000Z"],
    ]);
  });

  it("reads a half-hour zone's ragged ends from minute rollups", () => {
    expect(show("2026-11-30T18:30:00Z", "2026-12-01T18:30:00Z")).toEqual([
      [60, "2026-11-30T19:00:00.000Z", "2026-12-01T00:00:00.000Z"],
      [60, "2026-12-01T00:00:00.000Z", "2026-12-01T18:00:00.000Z"],
      [1, "2026-11-30T18:30:00.000Z", "2026-11-30T19:00:00.000Z"],
      [1, "2026-12-01T18:00:00.000Z", "2026-12-01T18:30:00.000Z"],
    ]);
  });

  it("covers a range inside one hour with minutes only, and an empty range with nothing", () => {
    expect(show("2026-12-01T10:05:00Z", "2026-12-01T10:35:00Z")).toEqual([
      [1, "2026-12-01T10:05:00.000Z", "2026-12-01T10:35:00.000Z"],
    ]);
    expect(show("2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z")).toEqual([]);
  });
});
