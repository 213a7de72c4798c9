/**
 * RFC 4180 CSV: comma-separated, CRLF between records, fields quoted with `"` when they contain a
 * comma, quote, CR or LF (quotes inside doubled). The parser also accepts LF line ends and a BOM.
 */

export interface CsvRecord {
  /** 1-based line number where the record starts (records may span lines). */
  readonly line: number;
  readonly fields: string[];
}

export type CsvParseResult =
  | { readonly ok: true; readonly records: CsvRecord[] }
  | { readonly ok: false; readonly line: number; readonly message: string };

/** Quotes a field when RFC 4180 requires it (and when edge spaces would otherwise be trimmed by readers). */
export function formatCsvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Serializes records with CRLF line ends, ending with a CRLF. */
export function formatCsv(records: readonly (readonly string[])[]): string {
  return records.map((fields) => fields.map(formatCsvField).join(",") + "\r\n").join("");
}

/** Parses CSV text; empty lines are skipped. Fails with the line of the first syntax error. */
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
    fields.push(field);
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
      fields.push(field);
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
