import type { FieldPath, FieldValues, UseFormSetError } from "react-hook-form";
import { isApiError } from "../api-client";

/**
 * Puts the API's validation issues (`details` of VALIDATION_FAILED) under the form fields they name;
 * returns how many landed on a field, so the caller can show the rest as a form-level error.
 * `mapPath` may translate an API path (`headers.X-Foo`) to a form path (`headers.2.name`).
 */
export function applyServerIssues<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly FieldPath<T>[],
  mapPath: (apiPath: string) => FieldPath<T> | undefined = () => undefined,
): number {
  if (!isApiError(error)) return 0;
  let placed = 0;
  for (const issue of error.issues) {
    const mapped = mapPath(issue.path);
    const head = issue.path.split(/[.[]/)[0] as FieldPath<T>;
    const target = mapped ?? (fields.includes(head) ? head : undefined);
    if (!target) continue;
    setError(target, { type: "server", message: issue.message }, { shouldFocus: placed === 0 });
    placed += 1;
  }
  return placed;
}
