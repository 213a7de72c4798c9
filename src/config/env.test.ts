import { describe, expect, it } from "vitest";
import { EnvError, outboundPolicyOf, parseEnv, trustProxyOf, workersOf } from "./env";

describe("OUTBOUND_ALLOW", () => {
  it("defaults to empty: public addresses only", () => {
    const env = parseEnv({});
    expect(env.OUTBOUND_ALLOW).toBe("");
    expect(outboundPolicyOf(env)).toEqual({ ranges: [], names: [] });
    expect(parseEnv({ OUTBOUND_ALLOW: "  " }).OUTBOUND_ALLOW).toBe("");
  });

  it("accepts CIDRs, addresses and host names, and gives the runtime its policy", () => {
    const env = parseEnv({ OUTBOUND_ALLOW: "127.0.0.0/8,::1,internal.example.com,*.corp.example" });
    const policy = outboundPolicyOf(env);
    expect(policy.ranges.map((r) => r.entry)).toEqual(["127.0.0.0/8", "::1"]);
    expect(policy.names.map((n) => n.entry)).toEqual(["internal.example.com", "*.corp.example"]);
  });

  it("refuses a bad entry at start with a message naming the setting and the entry", () => {
    let caught: unknown;
    try {
      parseEnv({ OUTBOUND_ALLOW: "10.0.0.0/8,127.1,10.0.0.0/40" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EnvError);
    expect((caught as EnvError).problems).toEqual([
      'OUTBOUND_ALLOW: "127.1": not an IP address or CIDR (write IPv4 in dotted decimal, e.g. 10.0.0.0/8, or IPv6, e.g. fd00::/8)',
      'OUTBOUND_ALLOW: "10.0.0.0/40": the prefix length must be 0-32',
    ]);
  });
});

describe("LOG_SPILL_MAX_BYTES", () => {
  it("defaults to 1 GiB and accepts 0 (no spill) or at least 1 MiB", () => {
    expect(parseEnv({}).LOG_SPILL_MAX_BYTES).toBe(1024 ** 3);
    expect(parseEnv({ LOG_SPILL_MAX_BYTES: "" }).LOG_SPILL_MAX_BYTES).toBe(1024 ** 3);
    expect(parseEnv({ LOG_SPILL_MAX_BYTES: "0" }).LOG_SPILL_MAX_BYTES).toBe(0);
    expect(parseEnv({ LOG_SPILL_MAX_BYTES: "1048576" }).LOG_SPILL_MAX_BYTES).toBe(1024 ** 2);
  });

  it("refuses a bound below 1 MiB, a fraction or a negative number, naming the variable", () => {
    for (const value of ["1000", "1.5", "-1", "lots"]) {
      expect(() => parseEnv({ LOG_SPILL_MAX_BYTES: value })).toThrow(EnvError);
      expect(() => parseEnv({ LOG_SPILL_MAX_BYTES: value })).toThrow(/LOG_SPILL_MAX_BYTES/);
    }
  });
});

describe("TRUST_PROXY", () => {
  it("is off by default and reads true, hop counts and CIDR lists", () => {
    expect(trustProxyOf(parseEnv({}))).toEqual({ kind: "off" });
    expect(trustProxyOf(parseEnv({ TRUST_PROXY: "true" }))).toEqual({ kind: "all" });
    expect(trustProxyOf(parseEnv({ TRUST_PROXY: "2" }))).toEqual({ kind: "hops", hops: 2 });
    expect(trustProxyOf(parseEnv({ TRUST_PROXY: "10.0.0.0/8, ::1" }))).toMatchObject({
      kind: "ranges",
      text: "10.0.0.0/8,::1/128",
    });
  });

  it("stops the start with a message naming a bad value", () => {
    expect(() => parseEnv({ TRUST_PROXY: "yes" })).toThrow(/TRUST_PROXY: "yes" is not an IP address or CIDR/);
    expect(() => parseEnv({ TRUST_PROXY: "99" })).toThrow(/TRUST_PROXY: a hop count must be 1\.\.32/);
  });
});

describe("slow-client deadlines and header limits", () => {
  it("default to 30 s headers, 60 s body, 120 s idle, 16 KiB and 100 header lines", () => {
    const env = parseEnv({});
    expect([env.HEADERS_TIMEOUT_MS, env.BODY_TIMEOUT_MS, env.IDLE_TIMEOUT_MS]).toEqual([
      30_000, 60_000, 120_000,
    ]);
    expect([env.MAX_HEADER_BYTES, env.MAX_HEADERS_COUNT]).toEqual([16_384, 100]);
  });

  it("accept short deadlines (tests) and refuse a header deadline past the body deadline", () => {
    const env = parseEnv({ HEADERS_TIMEOUT_MS: "500", BODY_TIMEOUT_MS: "1000", IDLE_TIMEOUT_MS: "800" });
    expect([env.HEADERS_TIMEOUT_MS, env.BODY_TIMEOUT_MS, env.IDLE_TIMEOUT_MS]).toEqual([500, 1000, 800]);
    expect(() => parseEnv({ HEADERS_TIMEOUT_MS: "2000", BODY_TIMEOUT_MS: "1000" })).toThrow(
      /HEADERS_TIMEOUT_MS/,
    );
    for (const [name, value] of [
      ["BODY_TIMEOUT_MS", "0"],
      ["IDLE_TIMEOUT_MS", "-1"],
      ["MAX_HEADER_BYTES", "10"],
      ["MAX_HEADERS_COUNT", "1.5"],
    ] as const) {
      expect(() => parseEnv({ [name]: value })).toThrow(new RegExp(name));
    }
  });
});

describe("WORKERS", () => {
  const shared = {
    DATABASE_URL: "postgres://u@127.0.0.1/db",
    SECRET_KEY: "k".repeat(44),
    REDIS_URL: "redis://127.0.0.1:6379",
  };

  it("defaults to 1 and resolves auto to the core count", () => {
    expect(workersOf(parseEnv({}), 8)).toBe(1);
    expect(workersOf(parseEnv({ WORKERS: "" }), 8)).toBe(1);
    expect(workersOf(parseEnv({ ...shared, WORKERS: "auto" }), 8)).toBe(8);
    expect(workersOf(parseEnv({ ...shared, WORKERS: "auto" }), 0)).toBe(1);
    expect(workersOf(parseEnv({ ...shared, WORKERS: "3" }), 8)).toBe(3);
  });

  it("refuses values that are not auto or 1..256", () => {
    for (const value of ["0", "-1", "2.5", "many", "257"]) {
      expect(() => parseEnv({ ...shared, WORKERS: value }), value).toThrow(/WORKERS/);
    }
  });

  it("refuses more than one worker without both PostgreSQL and Redis, saying why", () => {
    expect(() => parseEnv({ WORKERS: "2" })).toThrow(
      /WORKERS above 1 \(or auto\) needs both DATABASE_URL and REDIS_URL/,
    );
    expect(() => parseEnv({ WORKERS: "auto", REDIS_URL: shared.REDIS_URL })).toThrow(
      /DATABASE_URL and REDIS_URL/,
    );
    const { REDIS_URL: _, ...noRedis } = shared;
    expect(() => parseEnv({ ...noRedis, WORKERS: "2" })).toThrow(/own rate limits/);
    expect(parseEnv({ WORKERS: "1" }).WORKERS).toBe(1);
  });
});

describe("HEALTH_LATENCY_FLOOR_MS", () => {
  it("defaults to 250 ms, accepts 0..600000 and refuses the rest", () => {
    expect(parseEnv({}).HEALTH_LATENCY_FLOOR_MS).toBe(250);
    expect(parseEnv({ HEALTH_LATENCY_FLOOR_MS: "0" }).HEALTH_LATENCY_FLOOR_MS).toBe(0);
    expect(parseEnv({ HEALTH_LATENCY_FLOOR_MS: "1500" }).HEALTH_LATENCY_FLOOR_MS).toBe(1500);
    expect(() => parseEnv({ HEALTH_LATENCY_FLOOR_MS: "-1" })).toThrow(/HEALTH_LATENCY_FLOOR_MS/);
    expect(() => parseEnv({ HEALTH_LATENCY_FLOOR_MS: "fast" })).toThrow(/HEALTH_LATENCY_FLOOR_MS/);
  });
});
