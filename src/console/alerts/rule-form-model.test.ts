import { describe, expect, it } from "vitest";
import type { AlertRule } from "@/contracts/alerts";
import { en } from "@/i18n/en";
import { translate } from "@/i18n/translate";
import type { Translate } from "@/i18n/types";
import { localizeAlertIssue } from "./alert-form-issues";
import {
  createRuleFormSchema,
  emptyRuleForm,
  isGroupRule,
  listRuleNumberFields,
  ruleFieldOf,
  ruleToForm,
  type RuleFormValues,
} from "./rule-form-model";

const GROUP = "6f1b2d4e-8a9c-4f3e-9b2a-1c2d3e4f5a6b";
const CHANNEL = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
const t: Translate = (key, values) => translate(en, key, values);

/** The localized message per form field for `values`, as the dialog shows them; {} when valid. */
function messagesFor(values: RuleFormValues): Record<string, string> {
  const result = createRuleFormSchema().safeParse(values);
  const out: Record<string, string> = {};
  for (const issue of result.error?.issues ?? []) {
    out[issue.path.join(".")] ??= localizeAlertIssue(t, issue) ?? issue.message;
  }
  return out;
}

describe("rule form", () => {
  it("builds a group success-rate rule in ms from minutes", () => {
    const result = createRuleFormSchema().safeParse({
      ...emptyRuleForm(),
      name: "Main pool",
      type: "group_success_rate",
      groupId: GROUP,
      minSuccessRatePercent: "97.5",
      windowMinutes: "10",
      forMinutes: "1.5",
      channelIds: [CHANNEL],
    });
    expect(result.data).toEqual({
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
    });
  });

  it("puts the contract's problems on the form fields, in the form's units", () => {
    expect(
      messagesFor({
        ...emptyRuleForm(),
        name: " ",
        type: "group_latency_p95",
        groupId: "",
        maxP95LatencyMs: "",
        windowMinutes: "0.5",
        cooldownMinutes: "20000",
      }),
    ).toEqual({
      name: "Required.",
      groupId: "Required.",
      maxP95LatencyMs: "Required.",
      windowMinutes: "Must be at least 1.",
      cooldownMinutes: "Must be at most 10080.",
    });
  });

  it("checks only the fields of the chosen type", () => {
    // A blank latency threshold does not matter to a provider-health rule.
    expect(messagesFor({ ...emptyRuleForm(), name: "Down", maxP95LatencyMs: "", states: [] })).toEqual({
      states: "Required.",
    });
    expect(
      messagesFor({
        ...emptyRuleForm(),
        name: "Slow",
        type: "group_latency_p95",
        groupId: GROUP,
        maxP95LatencyMs: "1.5",
      }),
    ).toEqual({
      maxP95LatencyMs: "Enter a whole number.",
    });
  });

  it("round-trips a stored rule", () => {
    const rule: AlertRule = {
      id: CHANNEL,
      name: "Down",
      description: "kept",
      enabled: false,
      severity: "critical",
      condition: { type: "provider_unhealthy", providerIds: null, states: ["ejected"] },
      forMs: 60_000,
      cooldownMs: 0,
      channelIds: [],
      createdAt: "2026-11-27T00:00:00.000Z",
      updatedAt: "2026-11-27T00:00:00.000Z",
    };
    const result = createRuleFormSchema().safeParse(ruleToForm(rule));
    expect(result.data?.condition).toEqual({
      type: "provider_unhealthy",
      providerIds: null,
      states: ["ejected"],
    });
    expect(result.data?.forMs).toBe(60_000);
    expect(result.data?.description).toBe("kept");
  });

  it("lists the fields each type shows", () => {
    expect(listRuleNumberFields("group_success_rate")).toEqual([
      "minSuccessRatePercent",
      "windowMinutes",
      "minRequests",
      "forMinutes",
      "cooldownMinutes",
    ]);
    expect(listRuleNumberFields("group_all_down")).toEqual(["forMinutes", "cooldownMinutes"]);
    expect(listRuleNumberFields("log_rows_dropped")).toEqual([
      "minDropped",
      "windowMinutes",
      "forMinutes",
      "cooldownMinutes",
    ]);
    expect(isGroupRule("group_all_down")).toBe(true);
    expect(isGroupRule("log_rows_dropped")).toBe(false);
  });

  it("maps API paths to fields", () => {
    expect(ruleFieldOf("condition.windowMs")).toBe("windowMinutes");
    expect(ruleFieldOf("condition.providerIds[0]")).toBe("providerIds");
    expect(ruleFieldOf("channelIds[1]")).toBe("channelIds");
    expect(ruleFieldOf("name")).toBe("name");
    // The dialog has no description input: that problem is shown at the form level.
    expect(ruleFieldOf("description")).toBeUndefined();
    expect(ruleFieldOf("somethingElse")).toBeUndefined();
  });
});
