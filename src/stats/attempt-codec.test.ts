import { describe, expect, it } from "vitest";
import type { AttemptRecord } from "../db/schema/request-logs";
import { compactAttempts, expandAttempts } from "./attempt-codec";

const p1 = "11111111-1111-4111-8111-111111111111";
const p2 = "22222222-2222-4222-8222-222222222222";

describe("stored attempts", () => {
  it("round-trip: the row's own provider id is left out, the other kept, optional fields stay absent", () => {
    const attempts: AttemptRecord[] = [
      {
        providerId: p2,
        provider: "b",
        errorCode: "UPSTREAM_RESET",
        startMs: 0.2,
        endMs: 3,
        ms: 2.8,
        outcome: "failure",
      },
      {
        providerId: p1,
        provider: "a",
        status: 200,
        startMs: 3.1,
        connectMs: 3.5,
        firstByteMs: 9,
        endMs: 20,
        ms: 16.9,
        outcome: "success",
      },
    ];
    const stored = compactAttempts(attempts, p1);
    expect(stored[0]![0]).toBe(p2);
    expect(stored[1]![0]).toBeNull();
    expect(expandAttempts(JSON.parse(JSON.stringify(stored)), p1)).toStrictEqual(attempts);
  });

  it("reads rows stored as objects before, and skips what it cannot read", () => {
    const old = {
      providerId: p1,
      provider: "a",
      status: 200,
      startMs: 0,
      endMs: 1,
      ms: 1,
      outcome: "success",
    };
    expect(expandAttempts([old], null)).toEqual([old]);
    expect(expandAttempts([[null, "a", 200, null, 0, null, null, 1, 1, "success"]], null)).toEqual([]);
    expect(expandAttempts([[p1, "a", 200, null, 0, null, null, 1, 1, "bogus"], 7], null)).toEqual([]);
    expect(expandAttempts(null, p1)).toEqual([]);
  });
});
