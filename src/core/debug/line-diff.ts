/**
 * Line diff by longest common subsequence, after trimming the common head and tail (so two long
 * answers that differ in a few lines cost little). When the differing middle is too big for the
 * quadratic table, it is reported as one removed block and one added block. Pure.
 */

export type LineOp = "equal" | "add" | "remove";

export interface DiffLine {
  readonly op: LineOp;
  readonly text: string;
}

/** Largest LCS table (cells) computed; beyond it the middle is reported as replaced whole. */
const MAX_CELLS = 4_000_000;

/** The diff of two sequences of lines: equal, removed (only in `a`) and added (only in `b`) lines. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ op: "equal", text: a[i]! });
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  out.push(...diffMiddle(midA, midB));
  for (let i = a.length - tail; i < a.length; i++) out.push({ op: "equal", text: a[i]! });
  return out;
}

function diffMiddle(a: readonly string[], b: readonly string[]): DiffLine[] {
  if (a.length === 0 || b.length === 0 || (a.length + 1) * (b.length + 1) > MAX_CELLS) {
    return [
      ...a.map((text): DiffLine => ({ op: "remove", text })),
      ...b.map((text): DiffLine => ({ op: "add", text })),
    ];
  }
  const cols = b.length + 1;
  // lcs[i * cols + j] = LCS length of a[i..] and b[j..].
  const lcs = new Uint32Array((a.length + 1) * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * cols + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * cols + j + 1]! + 1
          : Math.max(lcs[(i + 1) * cols + j]!, lcs[i * cols + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: "equal", text: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * cols + j]! >= lcs[i * cols + j + 1]!) {
      out.push({ op: "remove", text: a[i]! });
      i++;
    } else {
      out.push({ op: "add", text: b[j]! });
      j++;
    }
  }
  while (i < a.length) out.push({ op: "remove", text: a[i++]! });
  while (j < b.length) out.push({ op: "add", text: b[j++]! });
  return out;
}

/** Line diff of two texts (split on \n, a trailing \r dropped). */
export function diffText(a: string, b: string): DiffLine[] {
  return diffLines(splitLines(a), splitLines(b));
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  return text.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/** Counts of added and removed lines. */
export function countLineChanges(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.op === "add") added++;
    else if (line.op === "remove") removed++;
  }
  return { added, removed };
}
