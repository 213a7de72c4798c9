import type { DiffLineView } from "../log-debug-api";

/**
 * A line diff laid out in two columns: equal lines face each other, a block of removed lines faces
 * the block of added lines that replaced it, and long unchanged stretches fold into one row.
 */

export interface SideCell {
  readonly text: string;
  readonly op: DiffLineView["op"];
}

export type SideRow =
  | { readonly kind: "line"; readonly left: SideCell | null; readonly right: SideCell | null }
  | { readonly kind: "fold"; readonly count: number };

/** Unchanged lines kept on each side of a change. */
export const CONTEXT_LINES = 3;

/** Pairs the lines of a diff into rows (no folding). */
export function pairLines(lines: readonly DiffLineView[]): SideRow[] {
  const rows: SideRow[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.op === "equal") {
      rows.push({ kind: "line", left: line, right: line });
      i++;
      continue;
    }
    const removed: DiffLineView[] = [];
    const added: DiffLineView[] = [];
    while (i < lines.length && lines[i]!.op !== "equal") {
      const change = lines[i]!;
      (change.op === "remove" ? removed : added).push(change);
      i++;
    }
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      rows.push({ kind: "line", left: removed[k] ?? null, right: added[k] ?? null });
    }
  }
  return rows;
}

function isEqual(row: SideRow): boolean {
  return row.kind === "line" && row.left?.op === "equal";
}

/** Fewest unchanged lines worth folding (a fold row for one or two lines saves nothing). */
const MIN_FOLD = 3;

/** Pairs the lines and folds unchanged stretches beyond the context around changes into one row. */
export function sideBySide(lines: readonly DiffLineView[], context: number = CONTEXT_LINES): SideRow[] {
  const rows = pairLines(lines);
  const out: SideRow[] = [];
  let i = 0;
  while (i < rows.length) {
    if (!isEqual(rows[i]!)) {
      out.push(rows[i++]!);
      continue;
    }
    let end = i;
    while (end < rows.length && isEqual(rows[end]!)) end++;
    const keepHead = i === 0 ? 0 : context;
    const keepTail = end === rows.length ? 0 : context;
    if (end - i - keepHead - keepTail >= MIN_FOLD) {
      out.push(...rows.slice(i, i + keepHead));
      out.push({ kind: "fold", count: end - i - keepHead - keepTail });
      out.push(...rows.slice(end - keepTail, end));
    } else out.push(...rows.slice(i, end));
    i = end;
  }
  return out;
}
