/**
 * Model lists with globs: `claude-sonnet-*`, `gpt-4.1*`, `gemini-?.5-pro`. `*` matches any run of
 * characters (also none), `?` exactly one; everything else is literal and matching is case-sensitive
 * (upstreams treat model names that way). A list is compiled once (in the routing snapshot) into a
 * matcher; an empty or absent list means "every model".
 */

export { checkModelPattern, MAX_MODEL_NAME_LENGTH } from "../vocabulary/models";

/** A compiled model list: `matches(model)` is true when some entry matches. */
export interface ModelMatcher {
  /** The entries as configured. */
  readonly patterns: readonly string[];
  /** True when some entry matches `model`. */
  matches(model: string): boolean;
}

/** Escapes a literal piece of a glob for a regular expression. */
function escapeLiteral(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
}

/** Compiles one glob to an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (const ch of glob) {
    if (ch === "*") source += ".*";
    else if (ch === "?") source += ".";
    else source += escapeLiteral(ch);
  }
  return new RegExp(`^${source}$`, "su");
}

/** True when `pattern` contains a wildcard. */
export function isGlob(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/** Compiles a model list; exact names are looked up in a set, globs tried in order. */
export function compileModelList(patterns: readonly string[]): ModelMatcher {
  const exact = new Set<string>();
  const globs: RegExp[] = [];
  for (const pattern of patterns) {
    if (isGlob(pattern)) globs.push(globToRegExp(pattern));
    else exact.add(pattern);
  }
  return Object.freeze({
    patterns: Object.freeze([...patterns]),
    matches(model: string): boolean {
      if (exact.has(model)) return true;
      for (let i = 0; i < globs.length; i++) if (globs[i]!.test(model)) return true;
      return false;
    },
  });
}

/** True when `model` matches one of `patterns` (uncompiled; for one-off checks and the console). */
export function matchesModelList(patterns: readonly string[], model: string): boolean {
  return compileModelList(patterns).matches(model);
}
