/**
 * Structural diff of two JSON values, reported by JSON pointer (RFC 6901): what was added, removed
 * or changed. Objects compare key by key, arrays index by index (an insertion in the middle shows as
 * changes from there on, which is what a reader comparing two API answers expects). Pure.
 */

export type JsonChange =
  | { readonly op: "add"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string; readonly value: unknown }
  | { readonly op: "replace"; readonly path: string; readonly from: unknown; readonly to: unknown };

/** Most changes listed; a diff beyond it says `truncated`. */
export const MAX_JSON_CHANGES = 1_000;

/** Escapes one reference token of a JSON pointer. */
export function pointerToken(key: string | number): string {
  return String(key).replaceAll("~", "~0").replaceAll("/", "~1");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Every difference between `a` and `b`, in document order, at most `max` of them. */
export function diffJson(
  a: unknown,
  b: unknown,
  max: number = MAX_JSON_CHANGES,
): { changes: JsonChange[]; truncated: boolean } {
  const changes: JsonChange[] = [];
  let truncated = false;
  const push = (change: JsonChange): boolean => {
    if (changes.length >= max) {
      truncated = true;
      return false;
    }
    changes.push(change);
    return true;
  };
  const walk = (x: unknown, y: unknown, path: string): boolean => {
    if (Array.isArray(x) && Array.isArray(y)) {
      const common = Math.min(x.length, y.length);
      for (let i = 0; i < common; i++) if (!walk(x[i], y[i], `${path}/${i}`)) return false;
      for (let i = common; i < x.length; i++)
        if (!push({ op: "remove", path: `${path}/${i}`, value: x[i] })) return false;
      for (let i = common; i < y.length; i++)
        if (!push({ op: "add", path: `${path}/${i}`, value: y[i] })) return false;
      return true;
    }
    if (isObject(x) && isObject(y)) {
      for (const key of Object.keys(x)) {
        const child = `${path}/${pointerToken(key)}`;
        if (!Object.hasOwn(y, key)) {
          if (!push({ op: "remove", path: child, value: x[key] })) return false;
        } else if (!walk(x[key], y[key], child)) return false;
      }
      for (const key of Object.keys(y)) {
        if (Object.hasOwn(x, key)) continue;
        if (!push({ op: "add", path: `${path}/${pointerToken(key)}`, value: y[key] })) return false;
      }
      return true;
    }
    if (Object.is(x, y)) return true;
    return push({ op: "replace", path, from: x, to: y });
  };
  walk(a, b, "");
  return { changes, truncated };
}
