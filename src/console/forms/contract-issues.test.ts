import { describe, expect, it } from "vitest";
import { z } from "zod";
import { en } from "@/i18n/en";
import { translate } from "@/i18n/translate";
import type { Translate } from "@/i18n/types";
import { reportContractIssues, reportMissingValues } from "./contract-issues";
import { localizeCommonIssue } from "./localize-issue";

const t: Translate = (key, values) => translate(en, key, values);
const contract = z.strictObject({
  name: z.string().min(1),
  limits: z.object({ windowMs: z.int().min(60_000).max(3_600_000), tags: z.array(z.string()).max(1) }),
});

/** A form with minutes and a tag list, checked through the contract above. */
const form = z
  .object({ name: z.string(), minutes: z.string(), tags: z.array(z.string()) })
  .superRefine((values, ctx) => {
    const skip = reportMissingValues(ctx, values.minutes.trim() === "" ? ["minutes"] : []);
    const payload = {
      name: values.name,
      limits: { windowMs: Number(values.minutes) * 60_000, tags: values.tags },
      extra: true,
    };
    reportContractIssues(
      ctx,
      contract,
      payload,
      (path) =>
        path === "limits.windowMs"
          ? { field: "minutes", scale: 60_000 }
          : path.startsWith("limits.tags")
            ? { field: "tags" }
            : path === "name"
              ? { field: "name" }
              : undefined,
      skip,
    );
  });

function messagesFor(values: z.input<typeof form>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of form.safeParse(values).error?.issues ?? []) {
    out[issue.path.join(".")] ??= localizeCommonIssue(t, issue) ?? issue.message;
  }
  return out;
}

describe("reportContractIssues", () => {
  it("puts contract problems on the form fields with bounds in the form's unit", () => {
    expect(messagesFor({ name: "", minutes: "0.5", tags: ["a", "b"] })).toEqual({
      name: "Required.",
      minutes: "Must be at least 1.",
      // Common wording covers strings and numbers; a list bound keeps the contract's words.
      tags: "Too big: expected array to have <=1 items",
    });
    expect(messagesFor({ name: "n", minutes: "61", tags: [] })).toEqual({ minutes: "Must be at most 60." });
  });

  it("leaves problems no field shows (here: an unknown key) to the server", () => {
    expect(form.safeParse({ name: "n", minutes: "5", tags: [] }).success).toBe(true);
  });

  it("reports a blank as missing instead of the contract's complaint about it", () => {
    expect(messagesFor({ name: "n", minutes: " ", tags: [] })).toEqual({ minutes: "Required." });
    expect(form.safeParse({ name: "n", minutes: " ", tags: [] }).error?.issues).toHaveLength(1);
  });
});
