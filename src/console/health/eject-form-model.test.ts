import { describe, expect, it } from "vitest";
import { en } from "@/i18n/en";
import { translate } from "@/i18n/translate";
import type { Translate } from "@/i18n/types";
import { createEjectFormSchema, emptyEjectForm, localizeEjectIssue } from "./eject-form-model";

const t: Translate = (key, values) => translate(en, key, values);

function messagesFor(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of createEjectFormSchema().safeParse(values).error?.issues ?? []) {
    out[issue.path.join(".")] ??= localizeEjectIssue(t, issue) ?? issue.message;
  }
  return out;
}

describe("eject form", () => {
  it("sends the trimmed reason and the chosen duration in ms", () => {
    expect(createEjectFormSchema().safeParse({ reason: "  maintenance ", duration: "1h" }).data).toEqual({
      reason: "maintenance",
      durationMs: 3_600_000,
    });
  });

  it("sends no duration for an ejection until restored", () => {
    const result = createEjectFormSchema().safeParse({ reason: "broken", duration: "manual" });
    expect(result.data).toEqual({ reason: "broken", durationMs: undefined });
  });

  it("asks for a reason that is not blank, too long or multi-line", () => {
    const say = "Say why (1 to 500 characters).";
    expect(messagesFor(emptyEjectForm())).toEqual({ reason: say });
    expect(messagesFor({ reason: "   ", duration: "15m" })).toEqual({ reason: say });
    expect(messagesFor({ reason: "x".repeat(501), duration: "15m" })).toEqual({ reason: say });
    expect(messagesFor({ reason: "two\nlines", duration: "15m" })).toEqual({ reason: say });
  });
});
