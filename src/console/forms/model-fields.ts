import { z } from "zod";
import { MAX_MODEL_ENTRIES } from "@/contracts/models";
import { checkModelPattern } from "@/core/vocabulary/models";
import type { Translate } from "@/i18n/types";
import type { FormIssue } from "./zod-form-resolver";

/**
 * Model routing fields as forms edit them (issue 16): a model list is a textarea with one name or
 * glob per line, an alias map is a list of `from → to` rows. The API's own rules
 * (`checkModelPattern`, `MAX_MODEL_ENTRIES`) check them, so the console refuses what the API would.
 */

/** One alias row of a form: the client's model name and the upstream's. */
export interface AliasRow {
  from: string;
  to: string;
}

/** The names of a model-list textarea: one per line, trimmed, blank lines and repeats dropped. */
export function parseModelList(text: string): string[] {
  const names = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  return [...new Set(names)];
}

/** A model list as the textarea shows it. */
export function formatModelList(models: readonly string[]): string {
  return models.join("\n");
}

/** Two model lists hold the same entries in the same order. */
export function sameModelList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, index) => name === b[index]);
}

/** A model-list textarea's rule: every line a valid name or glob, at most MAX_MODEL_ENTRIES. */
export const modelListTextSchema = z.string().superRefine((text, ctx) => {
  const names = parseModelList(text);
  if (names.length > MAX_MODEL_ENTRIES) {
    ctx.addIssue({ code: "custom", message: "too many models", params: { rule: "modelCount" } });
    return;
  }
  for (const name of names) {
    const problem = checkModelPattern(name);
    if (problem !== null) {
      ctx.addIssue({ code: "custom", message: problem, params: { rule: "modelName", name } });
      return;
    }
  }
});

/** Alias rows as the API's map; blank rows are dropped. */
export function aliasRowsToMap(rows: readonly AliasRow[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const row of rows) {
    const from = row.from.trim();
    const to = row.to.trim();
    if (from !== "" || to !== "") map[from] = to;
  }
  return map;
}

/** An alias map as form rows, in the map's order. */
export function aliasMapToRows(map: Readonly<Record<string, string>>): AliasRow[] {
  return Object.entries(map).map(([from, to]) => ({ from, to }));
}

/** Two alias maps hold the same pairs. */
export function sameAliasMap(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && b[key] === a[key])
  );
}

/** Alias rows' rule: both names set and valid, no client name twice, at most MAX_MODEL_ENTRIES. */
export const aliasRowsSchema = z
  .array(z.object({ from: z.string(), to: z.string() }))
  .superRefine((rows, ctx) => {
    const seen = new Set<string>();
    let count = 0;
    rows.forEach((row, index) => {
      const from = row.from.trim();
      const to = row.to.trim();
      if (from === "" && to === "") return;
      count += 1;
      for (const [field, value] of [
        ["from", from],
        ["to", to],
      ] as const) {
        const problem = checkModelPattern(value);
        if (problem !== null) {
          ctx.addIssue({
            code: "custom",
            path: [index, field],
            message: problem,
            params: { rule: value === "" ? "aliasMissing" : "modelName" },
          });
        }
      }
      if (from !== "" && seen.has(from)) {
        ctx.addIssue({
          code: "custom",
          path: [index, "from"],
          message: "listed twice",
          params: { rule: "aliasTwice" },
        });
      }
      seen.add(from);
    });
    if (count > MAX_MODEL_ENTRIES) {
      ctx.addIssue({ code: "custom", message: "too many aliases", params: { rule: "modelCount" } });
    }
  });

/** The message of a model-field issue in the reader's language; undefined for other issues. */
export function localizeModelIssue(t: Translate, issue: FormIssue): string | undefined {
  if (issue.code !== "custom") return undefined;
  const params = (issue.params ?? {}) as { rule?: string; name?: string };
  switch (params.rule) {
    case "modelCount":
      return t("models.tooMany", { max: MAX_MODEL_ENTRIES });
    case "modelName":
      return params.name === undefined
        ? t("models.invalidName")
        : t("models.invalidNamed", { name: params.name });
    case "aliasMissing":
      return t("validation.required");
    case "aliasTwice":
      return t("models.aliasTwice");
    default:
      return undefined;
  }
}

/**
 * Where a server issue about a model field lands: `models[3]` on the textarea, `modelMap.<from>` (or
 * `modelMap["<from>"]`) on the row holding that client name.
 */
export function modelFieldPath(
  apiPath: string,
  listField: string,
  aliasRows?: readonly AliasRow[],
): string | undefined {
  if (apiPath === listField || apiPath.startsWith(`${listField}[`)) return listField;
  const match = /^modelMap(?:\.|\[")(.+?)(?:"\])?$/.exec(apiPath);
  if (!match || !aliasRows) return apiPath === "modelMap" ? "aliases" : undefined;
  const index = aliasRows.findIndex((row) => row.from.trim() === match[1]);
  return index >= 0 ? `aliases.${index}.from` : "aliases";
}
