import { describe, expect, it } from "vitest";
import type { Group } from "@/contracts/groups";
import { STRATEGY_NAMES } from "@/core/vocabulary/balancing";
import { en } from "@/i18n/en";
import { translate } from "@/i18n/translate";
import type { Translate } from "@/i18n/types";
import {
  groupSettingsSchema,
  groupToSettingsValues,
  humanizeMs,
  listStrategyOptions,
  localizeGroupIssue,
  parseStatusList,
  settingsToUpdate,
  slugFromName,
} from "./group-form-model";

const group: Group = {
  id: "0b5c5d0e-3f1a-4c59-9a51-2f6f7d0d2a11",
  slug: "main",
  name: "Main",
  description: "",
  strategy: "weighted_round_robin",
  maxAttempts: 3,
  retryOn: [429, 500],
  connectTimeoutMs: 5000,
  firstByteTimeoutMs: 60000,
  idleTimeoutMs: 120000,
  totalTimeoutMs: 600000,
  rateLimitPerMinute: null,
  enabled: true,
  capture: "off",
  captureSampleRate: 1,
  captureMaxBytes: 16384,
  affinity: { enabled: false },
  hashHeader: null,
  memberCount: 0,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
};

const t: Translate = (key, values) => translate(en, key, values);

describe("group form model", () => {
  it("offers every strategy once, with its label", () => {
    const options = listStrategyOptions(t);
    expect(options.map((option) => option.value)).toEqual([...STRATEGY_NAMES]);
    expect(new Set(options.map((option) => option.label)).size).toBe(STRATEGY_NAMES.length);
    expect(options[0]).toEqual({ value: "weighted_round_robin", label: "Weighted round robin" });
  });

  it("suggests URL-safe slugs", () => {
    expect(slugFromName("  OpenAI Pool #2 ")).toBe("openai-pool-2");
    expect(slugFromName("Café")).toBe("cafe");
    expect(slugFromName("中文")).toBe("");
  });

  it("parses status lists and refuses bad entries", () => {
    expect(parseStatusList("503, 429 500;429")).toEqual([429, 500, 503]);
    expect(parseStatusList("")).toEqual([]);
    expect(parseStatusList("600")).toBeNull();
    expect(parseStatusList("50x")).toBeNull();
  });

  it("humanizes timeouts", () => {
    expect(humanizeMs(250)).toBe("250 ms");
    expect(humanizeMs(1500)).toBe("1.5 s");
    expect(humanizeMs(120_000)).toBe("2 min");
    expect(humanizeMs(5_400_000)).toBe("1 h 30 min");
  });

  it("sends only the changed settings", () => {
    const values = {
      ...groupToSettingsValues(group),
      retryOn: "500, 429",
      maxAttempts: 5,
      idleTimeoutMs: 1000,
    };
    expect(settingsToUpdate(values, group)).toEqual({ maxAttempts: 5, idleTimeoutMs: 1000 });
    expect(settingsToUpdate(groupToSettingsValues(group), group)).toEqual({});
  });

  it("checks timeouts against the total and statuses by rule", () => {
    const values = {
      ...groupToSettingsValues(group),
      connectTimeoutMs: 2000,
      totalTimeoutMs: 1000,
      retryOn: "x",
    };
    const result = groupSettingsSchema.safeParse(values);
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join(".")).sort();
    expect(paths).toEqual(["connectTimeoutMs", "firstByteTimeoutMs", "retryOn"]);
  });
});

describe("group limits, capture and affinity", () => {
  it("shows a group's limit, capture and affinity, and sends nothing when untouched", () => {
    const tuned: Group = {
      ...group,
      rateLimitPerMinute: 1200,
      capture: "all",
      captureSampleRate: 0.25,
      captureMaxBytes: 1_048_576,
      affinity: { enabled: true, header: "x-conv", ttlSeconds: 600 },
    };
    const values = groupToSettingsValues(tuned);
    expect(values).toMatchObject({
      rateLimitPerMinute: "1200",
      capture: "all",
      captureSamplePercent: "25",
      captureMaxKib: "1024",
      affinityEnabled: true,
      affinityHeader: "x-conv",
      affinityTtlSeconds: "600",
    });
    expect(groupSettingsSchema.safeParse(values).success).toBe(true);
    expect(settingsToUpdate(values, tuned)).toEqual({});
  });

  it("sends the changed fields in the API's units", () => {
    const values = {
      ...groupToSettingsValues(group),
      rateLimitPerMinute: "300",
      capture: "errors" as const,
      captureSamplePercent: "12.5",
      captureMaxKib: "64",
      affinityEnabled: true,
      affinityHeader: "X-Conversation",
      affinityTtlSeconds: "",
      hashHeader: "X-User-Id",
    };
    expect(settingsToUpdate(values, group)).toEqual({
      hashHeader: "x-user-id",
      rateLimitPerMinute: 300,
      capture: "errors",
      captureSampleRate: 0.125,
      captureMaxBytes: 65_536,
      affinity: { enabled: true, header: "x-conversation" },
    });
    expect(
      settingsToUpdate(
        { ...groupToSettingsValues({ ...group, rateLimitPerMinute: 5 }), rateLimitPerMinute: "" },
        { ...group, rateLimitPerMinute: 5 },
      ),
    ).toEqual({ rateLimitPerMinute: null });
  });

  it("refuses out-of-range values and bad header names with localized messages", () => {
    const bad = {
      ...groupToSettingsValues(group),
      rateLimitPerMinute: "0",
      captureSamplePercent: "101",
      captureMaxKib: "0",
      affinityHeader: "bad header",
      affinityTtlSeconds: "5",
      hashHeader: "a:b",
    };
    const result = groupSettingsSchema.safeParse(bad);
    const byField = Object.fromEntries(
      (result.error?.issues ?? []).map((issue) => [issue.path.join("."), localizeGroupIssue(t, issue)]),
    );
    expect(byField).toEqual({
      rateLimitPerMinute: "Enter a number from 1 to 10000000.",
      captureSamplePercent: "Enter a number from 0 to 100.",
      captureMaxKib: "Enter a number from 1 to 16384.",
      affinityHeader: "Use letters, digits and - only.",
      affinityTtlSeconds: "Enter a number from 10 to 86400.",
      hashHeader: "Use letters, digits and - only.",
    });
  });
});
