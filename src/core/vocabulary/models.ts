/**
 * Model names as configuration holds them (model lists, alias maps, key allow-lists): the limits the
 * admin API checks, shared with the console. Matching lives in `core/routing/model-globs.ts`.
 */

/** Longest model name or pattern accepted in configuration. */
export const MAX_MODEL_NAME_LENGTH = 200;

/** Checks one configured model entry (name or glob); returns a message for a bad one, null when fine. */
export function checkModelPattern(pattern: string): string | null {
  if (pattern.length === 0) return "a model name cannot be empty";
  if (pattern.length > MAX_MODEL_NAME_LENGTH)
    return `a model name is at most ${MAX_MODEL_NAME_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(pattern)) return "a model name cannot contain control characters";
  // A lone surrogate is not Unicode: stored as UTF-8 it silently becomes U+FFFD, and a path model
  // (`/models/{name}:verb`) could not be percent-encoded for the upstream at all.
  if (/\p{Cs}/u.test(pattern)) return "a model name must be valid Unicode (no lone surrogate)";
  return null;
}
