import { describe, expect, it } from "vitest";
import type { ApiKey } from "@/contracts/api-keys";
import {
  apiKeyFormSchema,
  apiKeyToFormValues,
  emptyApiKeyForm,
  endOfLocalDay,
  toCreatePayload,
  toLocalDate,
  toUpdatePayload,
} from "./api-key-form-model";
import { withoutSecret } from "./api-key-api";

const key: ApiKey = {
  id: "9a3c8a52-5d1e-4d0c-8c7e-1b2f3a4b5c6d",
  name: "ci",
  keyMasked: "sk-AbCd…wXyZ",
  groupId: null,
  rateLimitPerMinute: 60,
  maxConcurrency: null,
  capture: null,
  expiresAt: endOfLocalDay("2031-05-04"),
  enabled: true,
  note: "",
  allowedModels: [],
  quota: null,
  lastUsedAt: null,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
};

describe("api key form model", () => {
  it("builds a create payload with limits and an end-of-day expiry", () => {
    const payload = toCreatePayload({
      ...emptyApiKeyForm(),
      name: " web ",
      rateLimitPerMinute: "120",
      expiresOn: "2030-01-31",
    });
    expect(payload).toMatchObject({
      name: "web",
      groupId: null,
      rateLimitPerMinute: 120,
      maxConcurrency: null,
    });
    expect(toLocalDate(payload.expiresAt!)).toBe("2030-01-31");
    expect(new Date(payload.expiresAt!).getHours()).toBe(23);
  });

  it("sends only what changed on edit", () => {
    const values = apiKeyToFormValues(key);
    expect(toUpdatePayload(values, key)).toEqual({});
    expect(toUpdatePayload({ ...values, rateLimitPerMinute: "", expiresOn: "" }, key)).toEqual({
      rateLimitPerMinute: null,
      expiresAt: null,
    });
  });

  it("refuses limits out of range", () => {
    const bad = apiKeyFormSchema.safeParse({
      ...emptyApiKeyForm(),
      name: "x",
      rateLimitPerMinute: "0",
      maxConcurrency: "1.5",
    });
    expect(bad.error?.issues.map((issue) => issue.path[0]).sort()).toEqual([
      "maxConcurrency",
      "rateLimitPerMinute",
    ]);
  });
});

describe("api key quota fields", () => {
  it("sends a quota only when a field is filled, and only a changed quota on edit", () => {
    const values = apiKeyToFormValues(key);
    expect(toCreatePayload(values).quota).toBeNull();
    const withQuota = { ...values, quotaRequestsPerDay: "100", quotaCostPerMonthUsd: "12.5" };
    expect(toCreatePayload(withQuota).quota).toEqual({
      requestsPerDay: 100,
      tokensPerDay: null,
      tokensPerMonth: null,
      costPerMonthUsd: 12.5,
    });
    expect(toUpdatePayload(withQuota, key)).toEqual({ quota: toCreatePayload(withQuota).quota });
    const quoted = { ...key, quota: { requestsPerDay: 100, costPerMonthUsd: 12.5 } };
    expect(apiKeyToFormValues(quoted).quotaCostPerMonthUsd).toBe("12.5");
    expect(toUpdatePayload(apiKeyToFormValues(quoted), quoted)).toEqual({});
    expect(apiKeyFormSchema.safeParse({ ...withQuota, quotaCostPerMonthUsd: "1.1234567" }).success).toBe(
      false,
    );
  });
});

describe("withoutSecret", () => {
  it("drops the full key so the list never holds it", () => {
    const listed = withoutSecret({ ...key, key: "sk-full-secret-value" });
    expect(listed).toEqual(key);
    expect(JSON.stringify(listed)).not.toContain("sk-full-secret-value");
  });
});

describe("api key capture override and allowed models", () => {
  it("sends null capture and every model by default", () => {
    expect(toCreatePayload({ ...emptyApiKeyForm(), name: "k" })).toMatchObject({
      capture: null,
      allowedModels: [],
    });
  });

  it("round-trips an override and an allow-list, sending only what changed", () => {
    const tuned: ApiKey = { ...key, capture: "errors", allowedModels: ["gpt-4.1*", "claude-*"] };
    const values = apiKeyToFormValues(tuned);
    expect(values).toMatchObject({ capture: "errors", allowedModels: "gpt-4.1*\nclaude-*" });
    expect(toUpdatePayload(values, tuned)).toEqual({});
    expect(toUpdatePayload({ ...values, capture: "group", allowedModels: "" }, tuned)).toEqual({
      capture: null,
      allowedModels: [],
    });
    expect(toUpdatePayload({ ...values, capture: "all", allowedModels: "mock-*" }, tuned)).toEqual({
      capture: "all",
      allowedModels: ["mock-*"],
    });
  });

  it("refuses an over-long model name", () => {
    const result = apiKeyFormSchema.safeParse({
      ...emptyApiKeyForm(),
      name: "k",
      allowedModels: "y".repeat(201),
    });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["allowedModels"]);
  });
});
