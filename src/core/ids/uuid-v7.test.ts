import { describe, expect, it } from "vitest";
import { formatUuidV7, uuidV7Time } from "./uuid-v7";

describe("UUIDv7 request ids", () => {
  it("carries its millisecond time, version 7 and the RFC variant", () => {
    const ms = Date.UTC(2026, 11, 7, 13, 30, 0, 123);
    const id = formatUuidV7(ms, new Uint8Array(10).fill(0xff));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidV7Time(id)).toBe(ms);
    expect(uuidV7Time(formatUuidV7(0, new Uint8Array(10)))).toBe(0);
    expect(uuidV7Time(formatUuidV7(2 ** 48 - 1, new Uint8Array(10)))).toBe(2 ** 48 - 1);
  });

  it("sorts by time as text and says null for other ids", () => {
    const a = formatUuidV7(1_000, new Uint8Array(10).fill(0xff));
    const b = formatUuidV7(1_001, new Uint8Array(10));
    expect(a < b).toBe(true);
    expect(uuidV7Time("6f1d1c2a-1b2c-4d3e-8f40-123456789abc")).toBeNull();
    expect(uuidV7Time("rt-1-full")).toBeNull();
  });
});
