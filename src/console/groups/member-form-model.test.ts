import { describe, expect, it } from "vitest";
import { memberCreateSchema, memberUpdateSchema, type Member } from "@/contracts/groups";
import { en } from "@/i18n/en";
import { translate } from "@/i18n/translate";
import type { Translate } from "@/i18n/types";
import { modelFieldPath } from "../forms/model-fields";
import {
  emptyMemberForm,
  localizeMemberIssue,
  memberFormSchema,
  memberToFormValues,
  toMemberCreatePayload,
  toMemberUpdatePayload,
} from "./member-form-model";

const t: Translate = (key, values) => translate(en, key, values);
const PROVIDER = "0b6c6f5e-8a7a-4c43-9a34-0d2b1b0c9d11";

const member: Member = {
  providerId: PROVIDER,
  providerName: "openrouter",
  priority: 1,
  weight: null,
  effectiveWeight: 2,
  enabled: true,
  providerEnabled: true,
  models: ["claude-sonnet-*"],
  modelMap: { "claude-sonnet-4": "anthropic/claude-sonnet-4" },
  providerModels: [],
};

function messages(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of memberFormSchema.safeParse(values).error?.issues ?? []) {
    out[issue.path.join(".")] ??= localizeMemberIssue(t, issue) ?? issue.message;
  }
  return out;
}

describe("member form model", () => {
  it("builds the add payload with models and aliases the API accepts", () => {
    const payload = toMemberCreatePayload({
      ...emptyMemberForm(2),
      providerId: PROVIDER,
      weight: " 5 ",
      models: "gpt-4.1*\nclaude-*\n",
      aliases: [
        { from: " claude-sonnet-4 ", to: "anthropic/claude-sonnet-4" },
        { from: "", to: "" },
      ],
    });
    expect(payload).toEqual({
      providerId: PROVIDER,
      priority: 2,
      weight: 5,
      enabled: true,
      models: ["gpt-4.1*", "claude-*"],
      modelMap: { "claude-sonnet-4": "anthropic/claude-sonnet-4" },
    });
    expect(memberCreateSchema.safeParse(payload).success).toBe(true);
  });

  it("shows a membership and sends only what changed", () => {
    const values = memberToFormValues(member);
    expect(values.models).toBe("claude-sonnet-*");
    expect(values.aliases).toEqual([{ from: "claude-sonnet-4", to: "anthropic/claude-sonnet-4" }]);
    expect(toMemberUpdatePayload(values, member)).toEqual({});
    const update = toMemberUpdatePayload(
      {
        ...values,
        models: "",
        aliases: [...values.aliases, { from: "gpt-4o", to: "openai/gpt-4o" }],
        weight: "3",
      },
      member,
    );
    expect(update).toEqual({
      weight: 3,
      models: [],
      modelMap: { "claude-sonnet-4": "anthropic/claude-sonnet-4", "gpt-4o": "openai/gpt-4o" },
    });
    expect(memberUpdateSchema.safeParse(update).success).toBe(true);
  });

  it("puts alias problems on their row and refuses a half-filled or repeated alias", () => {
    expect(
      messages({
        ...emptyMemberForm(0),
        providerId: PROVIDER,
        aliases: [
          { from: "a", to: "" },
          { from: "b", to: "x" },
          { from: "b", to: "y" },
        ],
      }),
    ).toEqual({ "aliases.0.to": "Required.", "aliases.2.from": "This client model already has an alias." });
    expect(messages({ ...emptyMemberForm(0), providerId: "" })).toEqual({ providerId: "Required." });
    expect(messages({ ...emptyMemberForm(0), providerId: PROVIDER, weight: "x" })).toEqual({
      weight: "Enter a whole number.",
    });
  });

  it("maps the API's model issue paths onto the form", () => {
    const rows = [
      { from: "a", to: "b" },
      { from: "claude", to: "c" },
    ];
    expect(modelFieldPath("models[3]", "models", rows)).toBe("models");
    expect(modelFieldPath("modelMap.claude", "models", rows)).toBe("aliases.1.from");
    expect(modelFieldPath('modelMap["claude"]', "models", rows)).toBe("aliases.1.from");
    expect(modelFieldPath("priority", "models", rows)).toBeUndefined();
  });
});
