import { redactHeaders, type RedactionRules } from "./redact-body";

/**
 * Two header sets compared by name (case-insensitive): added, removed and changed, with credential
 * values masked again on the way out (stored captures are already redacted; this guards any other
 * source). Pure.
 */

export interface HeaderDiff {
  readonly added: Record<string, string>;
  readonly removed: Record<string, string>;
  readonly changed: Record<string, { readonly a: string; readonly b: string }>;
  readonly same: number;
}

/** The differences between header sets `a` and `b`. */
export function diffHeaders(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
  rules?: RedactionRules,
): HeaderDiff {
  const ma = redactHeaders(a, rules);
  const mb = redactHeaders(b, rules);
  const added: Record<string, string> = {};
  const removed: Record<string, string> = {};
  const changed: Record<string, { a: string; b: string }> = {};
  let same = 0;
  for (const [name, value] of Object.entries(ma)) {
    const other = mb[name];
    if (other === undefined) removed[name] = value;
    else if (other !== value) changed[name] = { a: value, b: other };
    else same++;
  }
  for (const [name, value] of Object.entries(mb)) if (!(name in ma)) added[name] = value;
  return { added, removed, changed, same };
}
