import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_STATUSES } from "@/core/vocabulary/balancing";
import { classifyAttempt, type AttemptErrorCode, type AttemptHealth } from "./classify";

type Row = [label: string | number, retry: boolean, health: AttemptHealth];

describe("classifyAttempt: transport errors", () => {
  it.each<[AttemptErrorCode, boolean, AttemptHealth]>([
    ["UPSTREAM_CONNECT_FAILED", true, "failure"],
    ["UPSTREAM_RESET", true, "failure"],
    ["UPSTREAM_TIMEOUT", true, "failure"],
    ["UPSTREAM_FIRST_BYTE_TIMEOUT", true, "failure"],
    ["UPSTREAM_IDLE_TIMEOUT", true, "failure"],
    ["UPSTREAM_STREAM_ERROR", true, "failure"],
    ["CLIENT_CLOSED", false, "neutral"],
  ])("%s → retry=%s, %s", (code, retry, health) => {
    expect(classifyAttempt({ kind: "error", code }, DEFAULT_RETRY_STATUSES)).toEqual({ retry, health });
  });
});

describe("classifyAttempt: statuses with the default retryOn (429, 500, 502, 503, 504, 529)", () => {
  it.each<Row>([
    [200, false, "success"],
    [201, false, "success"],
    [204, false, "success"],
    [101, false, "success"],
    [301, false, "success"],
    [304, false, "success"],
    [429, true, "failure"],
    [500, true, "failure"],
    [502, true, "failure"],
    [503, true, "failure"],
    [504, true, "failure"],
    [529, true, "failure"],
    [501, false, "failure"],
    [505, false, "failure"],
    [599, false, "failure"],
    [401, true, "auth_failure"],
    [403, true, "auth_failure"],
    [400, false, "neutral"],
    [404, false, "neutral"],
    [408, false, "neutral"],
    [409, false, "neutral"],
    [413, false, "neutral"],
    [422, false, "neutral"],
    [451, false, "neutral"],
  ])("%s → retry=%s, %s", (status, retry, health) => {
    expect(classifyAttempt({ kind: "status", status: Number(status) }, DEFAULT_RETRY_STATUSES)).toEqual({
      retry,
      health,
    });
  });
});

describe("classifyAttempt: a custom retryOn", () => {
  const retryOn = new Set([408, 503]);

  it.each<Row>([
    [408, true, "failure"], // a 4xx the admin chose to retry counts against the provider
    [503, true, "failure"],
    [500, false, "failure"], // 5xx not listed: no retry, still a failure
    [529, false, "failure"],
    [429, false, "failure"], // not retried, but still an overload signal
    [401, true, "auth_failure"], // credential problems fail over regardless of retryOn
    [403, true, "auth_failure"],
    [404, false, "neutral"],
    [200, false, "success"],
  ])("%s → retry=%s, %s", (status, retry, health) => {
    expect(classifyAttempt({ kind: "status", status: Number(status) }, retryOn)).toEqual({ retry, health });
  });

  it("never retries on anything when retryOn is empty, except credential failures", () => {
    expect(classifyAttempt({ kind: "status", status: 503 }, [])).toEqual({ retry: false, health: "failure" });
    expect(classifyAttempt({ kind: "status", status: 401 }, [])).toEqual({
      retry: true,
      health: "auth_failure",
    });
    expect(classifyAttempt({ kind: "error", code: "UPSTREAM_RESET" }, [])).toEqual({
      retry: true,
      health: "failure",
    });
  });

  it("does not let a success status in retryOn turn into a retry", () => {
    expect(classifyAttempt({ kind: "status", status: 200 }, [200])).toEqual({
      retry: false,
      health: "success",
    });
  });
});

describe("classifyAttempt: nonsense statuses", () => {
  it.each<Row>([
    [0, false, "failure"],
    [99, false, "failure"],
    [600, false, "failure"],
    [200.5, false, "failure"],
    [Number.NaN, false, "failure"],
  ])("%s → retry=%s, %s", (status, retry, health) => {
    expect(classifyAttempt({ kind: "status", status: Number(status) }, DEFAULT_RETRY_STATUSES)).toEqual({
      retry,
      health,
    });
  });
});
