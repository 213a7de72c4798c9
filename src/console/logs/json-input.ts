/**
 * Reading the replay dialog's JSON editors: a parsed value, or where the text stops being JSON
 * (line and column, counted from 1) so the editor can say exactly what to fix.
 */

export type JsonInput =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly line: number; readonly column: number; readonly reason: string };

/** The 1-based line and column of character offset `position` in `text`. */
export function lineColumnAt(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(position, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** Parses `text` as JSON; on failure, where and why (the engine's reason, without its position). */
export function parseJsonInput(text: string): JsonInput {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const match = /at position (\d+)/.exec(message);
    const position = match ? Number(match[1]) : text.length;
    const reason = message.replace(/\s*(in JSON )?at position \d+.*$/, "").replace(/^JSON\.parse: /, "");
    return { ok: false, ...lineColumnAt(text, position), reason };
  }
}

/**
 * Header overrides must be an object of strings (null removes a header); returns the names of the
 * values that are neither, or null when it is no object at all.
 */
export function nonStringHeaders(value: unknown): string[] | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  return Object.entries(value)
    .filter(([, v]) => typeof v !== "string" && v !== null)
    .map(([name]) => name);
}

/** Pretty-prints `text` when it is JSON, else returns it as it is. */
export function prettyJson(text: string): string {
  const parsed = parseJsonInput(text);
  return parsed.ok ? JSON.stringify(parsed.value, null, 2) : text;
}
