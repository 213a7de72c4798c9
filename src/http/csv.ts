/**
 * RFC 4180 CSV: comma-separated, CRLF between records, fields quoted with `"` when they contain a
 * comma, quote, CR or LF (quotes inside doubled). The parser also accepts LF line ends and a BOM.
 *
 * Every field written goes through the formula guard (`guardCsvCell`): a spreadsheet evaluates a cell
 * that starts with `=`, `+`, `-`, `@`, tab or CR, and exported values can come from anyone (the group
 * slug of an unauthenticated request is logged). Such a cell gets a leading `'`, which spreadsheets
 * show as text; the parser takes the `'` off again, so our own exports round-trip.
 */

export interface CsvRecord {
  /** 1-based line number where the record starts (records may span lines). */
  readonly line: number;
  readonly fields: string[];
}

export type CsvParseResult =
  | { readonly ok: true; readonly records: CsvRecord[] }
  | { readonly ok: false; readonly line: number; readonly message: string };

const FORMULA_START = /^[=+\-@\t\r]/;
// Entirely a plain decimal number (`-1`, `3.5`, `+2e3`): a spreadsheet reads it as a number, not a formula.
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Whether a cell needs the `'` guard: it starts like a formula and is not a plain number, or it starts
 * with `'` followed by a cell that needs the guard (so the parser's un-guarding stays exact).
 */
function needsFormulaGuard(value: string): boolean {
  if (FORMULA_START.test(value)) return !PLAIN_NUMBER.test(value);
  return value.startsWith("'") && needsFormulaGuard(value.slice(1));
}

/** Neutralises a cell a spreadsheet would evaluate as a formula by prefixing `'`. */
export function guardCsvCell(value: string): string {
  return needsFormulaGuard(value) ? `'${value}` : value;
}

/** The inverse of `guardCsvCell`: takes off the `'` the guard added (and only that one). */
export function unguardCsvCell(value: string): string {
  return value.startsWith("'") && needsFormulaGuard(value.slice(1)) ? value.slice(1) : value;
}

/**
 * One field as written: formula-guarded, then quoted when RFC 4180 requires it (and when edge spaces
 * would otherwise be trimmed by readers).
 */
export function formatCsvField(raw: string): string {
  const value = guardCsvCell(raw);
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Serializes records with CRLF line ends, ending with a CRLF. */
export function formatCsv(records: readonly (readonly string[])[]): string {
  return records.map((fields) => fields.map(formatCsvField).join(",") + "\r\n").join("");
}

/**
 * Parses CSV text; empty lines are skipped, and the formula guard's `'` is taken off each field. Fails
 * with the line of the first syntax error.
 */
export function parseCsv(text: string): CsvParseResult {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  // Whether the current field was quoted (an empty quoted field still counts as a field).
  let quoted = false;

  const endRecord = () => {
    fields.push(unguardCsvCell(field));
    if (!(fields.length === 1 && fields[0] === "" && !quoted)) records.push({ line: recordLine, fields });
    fields = [];
    field = "";
    quoted = false;
  };

  while (i < source.length) {
    const ch = source[i]!;
    if (field === "" && !quoted && ch === '"') {
      quoted = true;
      i++;
      const start = line;
      for (;;) {
        if (i >= source.length) return { ok: false, line: start, message: "unterminated quoted field" };
        const c = source[i]!;
        if (c === '"') {
          if (source[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === "\n") line++;
        field += c;
        i++;
      }
      const next = source[i];
      if (next !== undefined && next !== "," && next !== "\r" && next !== "\n") {
        return { ok: false, line, message: "unexpected character after a closing quote" };
      }
      continue;
    }
    if (ch === ",") {
      fields.push(unguardCsvCell(field));
      field = "";
      quoted = false;
      i++;
    } else if (ch === "\r" || ch === "\n") {
      endRecord();
      i += ch === "\r" && source[i + 1] === "\n" ? 2 : 1;
      line++;
      recordLine = line;
    } else if (ch === '"') {
      return { ok: false, line, message: "quote inside an unquoted field (quote the whole field)" };
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== "" || quoted || fields.length > 0) endRecord();
  return { ok: true, records };
}
