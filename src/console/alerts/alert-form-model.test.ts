import { describe, expect, it } from "vitest";
import type { AlertChannel, AlertRule } from "@/contracts/alerts";
import {
  channelToForm,
  emptyChannelForm,
  emptyRuleForm,
  ruleFieldOf,
  ruleToForm,
  toChannelUpdatePayload,
  validateChannelForm,
  validateRuleForm,
} from "./alert-form-model";

const GROUP = "6f1b2d4e-8a9c-4f3e-9b2a-1c2d3e4f5a6b";
const CHANNEL = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

describe("rule form", () => {
  it("builds a group success-rate rule in ms from minutes", () => {
    const result = validateRuleForm({
      ...emptyRuleForm(),
      name: "Main pool",
      type: "group_success_rate",
      groupId: GROUP,
      minSuccessRatePercent: "97.5",
      windowMinutes: "10",
      forMinutes: "1.5",
      channelIds: [CHANNEL],
    });
    expect(result).toEqual({
      ok: true,
      payload: {
        name: "Main pool",
        description: "",
        enabled: true,
        severity: "warning",
        condition: {
          type: "group_success_rate",
          groupId: GROUP,
          minSuccessRatePercent: 97.5,
          windowMs: 600_000,
          minRequests: 20,
        },
        forMs: 90_000,
        cooldownMs: 300_000,
        channelIds: [CHANNEL],
      },
    });
  });

  it("puts schema issues on the form fields they concern", () => {
    const result = validateRuleForm({
      ...emptyRuleForm(),
      name: " ",
      type: "group_latency_p95",
      groupId: "",
      maxP95LatencyMs: "",
      windowMinutes: "0.5",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual([
      "groupId",
      "maxP95LatencyMs",
      "name",
      "windowMinutes",
    ]);
  });

  it("round-trips a stored rule", () => {
    const rule: AlertRule = {
      id: CHANNEL,
      name: "Down",
      description: "",
      enabled: false,
      severity: "critical",
      condition: { type: "provider_unhealthy", providerIds: null, states: ["ejected"] },
      forMs: 60_000,
      cooldownMs: 0,
      channelIds: [],
      createdAt: "2026-11-27T00:00:00.000Z",
      updatedAt: "2026-11-27T00:00:00.000Z",
    };
    const result = validateRuleForm(ruleToForm(rule));
    expect(result.ok && result.payload.condition).toEqual({
      type: "provider_unhealthy",
      providerIds: null,
      states: ["ejected"],
    });
    expect(result.ok && result.payload.forMs).toBe(60_000);
  });

  it("maps API paths", () => {
    expect(ruleFieldOf("condition.windowMs")).toBe("windowMinutes");
    expect(ruleFieldOf("condition.providerIds[0]")).toBe("providerIds");
    expect(ruleFieldOf("name")).toBe("name");
    expect(ruleFieldOf("somethingElse")).toBeUndefined();
  });
});

describe("channel form", () => {
  it("creates an e-mail channel with recipients split on commas and lines", () => {
    const result = validateChannelForm(
      {
        ...emptyChannelForm(),
        name: "Ops",
        type: "email",
        host: "smtp.example.com",
        from: "gw@example.com",
        to: "a@example.com,\nb@example.com",
      },
      false,
    );
    expect(result.ok && result.payload.config).toEqual({
      type: "email",
      host: "smtp.example.com",
      port: 587,
      security: "starttls",
      username: null,
      password: null,
      from: "gw@example.com",
      to: ["a@example.com", "b@example.com"],
    });
  });

  it("keeps write-only values on edit when left blank, and clears them on request", () => {
    const channel: AlertChannel = {
      id: CHANNEL,
      name: "Hook",
      type: "webhook",
      enabled: true,
      config: { type: "webhook", urlMasked: "https://hooks.example.com/…", hasSecret: true },
      createdAt: "2026-11-27T00:00:00.000Z",
      updatedAt: "2026-11-27T00:00:00.000Z",
    };
    const form = channelToForm(channel);
    expect(form.url).toBe("");
    expect(toChannelUpdatePayload(form).config).toEqual({ type: "webhook" });
    expect(toChannelUpdatePayload({ ...form, clearSecret: true }).config).toEqual({
      type: "webhook",
      secret: null,
    });
  });

  it("refuses a URL with credentials on the url field", () => {
    const result = validateChannelForm(
      { ...emptyChannelForm(), name: "x", url: "https://u:p@example.com/" },
      false,
    );
    expect(result.ok ? [] : Object.keys(result.errors)).toEqual(["url"]);
  });
});
