import type { z } from "zod";
import { formatIssuePath } from "@/contracts/common";

/** The `params.rule` of the issues `reportMissingValues` adds. */
export const MISSING = "required";

/** How a contract path (`condition.windowMs`) lands on a form: the field, and the unit it is typed in. */
export interface FormFieldTarget<F extends string> {
  field: F;
  /** How many contract units one form unit is (minutes typed, ms checked: 60000). */
  scale?: number;
}

/**
 * Checks `payload` (built from the form values) with a contract schema, so the console applies
 * exactly the API's rules, and reports each problem on the form field it concerns, with its bounds
 * converted to the unit that field is typed in. Problems no field shows are left to the server.
 * Returns the fields reported.
 */
export function reportContractIssues<F extends string>(
  ctx: z.RefinementCtx,
  schema: z.ZodType,
  payload: unknown,
  targetOf: (apiPath: string) => FormFieldTarget<F> | undefined,
  skip: ReadonlySet<string> = new Set(),
): F[] {
  const result = schema.safeParse(payload);
  if (result.success) return [];
  const reported: F[] = [];
  for (const issue of result.error.issues) {
    const target = targetOf(formatIssuePath(issue.path));
    if (!target || skip.has(target.field)) continue;
    reported.push(target.field);
    // Spread into a plain object: addIssue takes raw issues (an open record), not the issue interfaces.
    ctx.addIssue({ ...inFormUnits(issue, target.scale ?? 1), path: [target.field] });
  }
  return reported;
}

function inFormUnits(issue: z.core.$ZodIssue, scale: number): z.core.$ZodIssue {
  if (scale === 1) return issue;
  if (issue.code === "too_small") return { ...issue, minimum: Number(issue.minimum) / scale };
  if (issue.code === "too_big") return { ...issue, maximum: Number(issue.maximum) / scale };
  return issue;
}

/**
 * Reports each of `fields` as missing (the issue `localizeCommonIssue` words as "Required."), for
 * blanks the contract would describe less helpfully ("not a number", "invalid id"). Returns them, to
 * pass as `skip` to `reportContractIssues`.
 */
export function reportMissingValues(ctx: z.RefinementCtx, fields: readonly string[]): Set<string> {
  for (const field of fields) {
    ctx.addIssue({ code: "custom", path: [field], message: "required", params: { rule: MISSING } });
  }
  return new Set(fields);
}
