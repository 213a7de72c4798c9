import { describe, expect, it } from "vitest";
import type { NewRequestLogRow } from "@/db/schema/request-logs";
import { histogramIndex } from "./histogram";
import { bucketStart } from "./fold-by-bucket";
import { ALL_KEYS, NO_DIMENSION, aggregateRollups } from "./rollup-aggregate";
import { statusClassOf } from "./status-class";

const G = "11111111-1111-4111-8111-111111111111";
const P = "22222222-2222-4222-8222-222222222222";

function row(over: Partial<NewRequestLogRow>): NewRequestLogRow {
  return {
    id: Math.random().toString(36),
    createdAt: new Date(Date.UTC(2026, 0, 1, 10, 30, 15)),
    method: "POST",
    path: "/v1/messages",
    status: 200,
    totalMs: 100,
    groupId: G,
    providerId: P,
    ...over,
  };
}

describe("status classes", () => {
  it("classes by the client status; a failure without an error status is err", () => {
    expect(statusClassOf(200, null)).toBe("2xx");
    expect(statusClassOf(304, null)).toBe("3xx");
    expect(statusClassOf(429, "RATE_LIMITED")).toBe("4xx");
    expect(statusClassOf(499, "CLIENT_CLOSED")).toBe("4xx");
    expect(statusClassOf(503, "UPSTREAM_OVERLOADED")).toBe("5xx");
    expect(statusClassOf(200, "UPSTREAM_IDLE_TIMEOUT")).toBe("err");
    expect(statusClassOf(0, null)).toBe("err");
  });
});

describe("rollup aggregation", () => {
  it("folds rows into one delta per grain × bucket × dimensions × class, sorted by key", () => {
    const rows = [
      row({ totalMs: 100, ttfbMs: 40, inputTokens: 10, outputTokens: 5, bytesIn: 300, bytesOut: 900 }),
      row({ totalMs: 300, ttfbMs: null, inputTokens: 1, outputTokens: null }),
      row({ createdAt: new Date(Date.UTC(2026, 0, 1, 10, 31, 0)), totalMs: 5 }),
      row({ status: 502, errorCode: "UPSTREAM_STATUS", totalMs: 7 }),
      row({ status: 401, errorCode: "GATEWAY_KEY_INVALID", groupId: null, providerId: null, totalMs: 1 }),
    ];
    const deltas = aggregateRollups(rows);
    // minute: 10:30 2xx, 10:31 2xx, 10:30 5xx, 10:30 4xx(no dims) → 4; hour: 3 (2xx, 5xx, 4xx); day: 3;
    // each once for the row's key (none here) and once for all keys.
    expect(deltas).toHaveLength(20);
    for (const d of deltas.filter((x) => x.keyId === NO_DIMENSION)) {
      const all = deltas.find(
        (x) =>
          x.keyId === ALL_KEYS &&
          x.grain === d.grain &&
          x.bucket.getTime() === d.bucket.getTime() &&
          x.statusClass === d.statusClass &&
          x.groupId === d.groupId,
      )!;
      expect(all).toEqual({ ...d, keyId: ALL_KEYS });
    }
    const keys = deltas.map((d) => [
      d.grain,
      d.bucket.getTime(),
      d.groupId,
      d.providerId,
      d.keyId,
      d.statusClass,
    ]);
    const byFields = (x: (string | number)[], y: (string | number)[]) => {
      for (let i = 0; i < x.length; i++) {
        if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
      }
      return 0;
    };
    expect(keys).toEqual([...keys].sort(byFields));

    const mine = deltas.filter((d) => d.keyId === NO_DIMENSION);
    const minute = mine.find(
      (d) => d.grain === 1 && d.statusClass === "2xx" && d.bucket.getTime() === Date.UTC(2026, 0, 1, 10, 30),
    )!;
    expect(minute).toMatchObject({
      requests: 2,
      latencySumMs: 400,
      ttfbSumMs: 40,
      ttfbCount: 1,
      inputTokens: 11,
      outputTokens: 5,
      bytesIn: 300,
      bytesOut: 900,
      keyId: NO_DIMENSION,
    });
    expect(minute.latencyHist[histogramIndex(100)]).toBe(1);
    expect(minute.latencyHist[histogramIndex(300)]).toBe(1);
    expect(minute.ttfbHist.reduce((s, c) => s + c, 0)).toBe(1);

    const hour2xx = mine.find((d) => d.grain === 60 && d.statusClass === "2xx")!;
    expect(hour2xx).toMatchObject({ requests: 3, latencySumMs: 405 });
    expect(hour2xx.bucket.getTime()).toBe(Date.UTC(2026, 0, 1, 10));
    const day5xx = mine.find((d) => d.grain === 1440 && d.statusClass === "5xx")!;
    expect(day5xx).toMatchObject({ requests: 1, errorCodes: { UPSTREAM_STATUS: 1 } });
    expect(day5xx.bucket.getTime()).toBe(Date.UTC(2026, 0, 1));
    const refused = mine.find((d) => d.grain === 1440 && d.statusClass === "4xx")!;
    expect(refused).toMatchObject({ groupId: NO_DIMENSION, providerId: NO_DIMENSION, requests: 1 });
  });

  it("aligns buckets to UTC minute, hour and day starts", () => {
    const t = Date.UTC(2026, 4, 17, 23, 59, 59, 999);
    expect(bucketStart(t, 1)).toBe(Date.UTC(2026, 4, 17, 23, 59));
    expect(bucketStart(t, 60)).toBe(Date.UTC(2026, 4, 17, 23));
    expect(bucketStart(t, 1440)).toBe(Date.UTC(2026, 4, 17));
  });
});

describe("rollup aggregation of runs of alike rows", () => {
  it("gives the same deltas whatever the order (runs of equal dimensions take the shortcut)", () => {
    const K1 = "33333333-3333-4333-8333-333333333333";
    const K2 = "44444444-4444-4444-8444-444444444444";
    const base = Date.UTC(2026, 0, 1, 10, 59, 0);
    // Sorted runs (alike neighbours), crossing a minute and an hour boundary, with other keys,
    // statuses and tenants mixed in.
    const rows = Array.from({ length: 240 }, (_, i) =>
      row({
        createdAt: new Date(base + Math.floor(i / 60) * 45_000),
        keyId: i % 40 < 30 ? K1 : K2,
        status: i % 50 === 0 ? 502 : 200,
        errorCode: i % 50 === 0 ? "UPSTREAM_STATUS" : null,
        tenantId: i % 120 === 7 ? "55555555-5555-4555-8555-555555555555" : undefined,
        totalMs: 10 + (i % 17) * 13,
        ttfbMs: i % 3 === 0 ? null : 5 + (i % 7),
        inputTokens: i,
        costMicros: i % 4 === 0 ? null : i * 10,
      }),
    );
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const shuffled = [...rows];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const sorted = aggregateRollups(rows);
    expect(aggregateRollups(shuffled)).toEqual(sorted);
    const total = sorted
      .filter((d) => d.grain === 1440 && d.keyId === ALL_KEYS)
      .reduce((n, d) => n + d.requests, 0);
    expect(total).toBe(240);
  });
});
