/**
 * Model-name globs: `*` matches any run of characters (also none), `?` exactly one; everything else
 * is literal and case-sensitive, as model ids are. Used by the price book (and meant for any other
 * "which entry applies to this model" lookup).
 */

/** True when `pattern` contains a wildcard. */
export function isModelGlob(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/** Whether `name` matches `pattern` (iterative, no regular expression, linear backtracking on `*`). */
export function matchModelGlob(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = 0;
  while (n < name.length) {
    const pc = pattern[p];
    if (pc === "*") {
      starP = p++;
      starN = n;
    } else if (pc !== undefined && (pc === "?" || pc === name[n])) {
      p++;
      n++;
    } else if (starP !== -1) {
      p = starP + 1;
      n = ++starN;
    } else return false;
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}

/** How specific a glob is: its count of literal characters (more literal wins a tie between globs). */
export function globSpecificity(pattern: string): number {
  let literal = 0;
  for (const c of pattern) if (c !== "*" && c !== "?") literal++;
  return literal;
}
