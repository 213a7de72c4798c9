import { formatIssuePath, type Issue } from "@/contracts/common";
import {
  PROVIDER_CSV_COLUMNS,
  providerEntrySchema,
  type ProviderCsvColumn,
  type ProviderEntry,
} from "@/contracts/config-document";
import type { ProviderRow } from "@/db/schema";
import { formatCsv, parseCsv } from "@/http/csv";
import { maskProviderHeaders } from "./provider-headers";

/** What a secret export (admins only) reveals: the credential and the clear header values. */
export interface ProviderCsvReveal {
  readonly credential: (row: ProviderRow) => string | null;
  readonly headers: (row: ProviderRow) => Record<string, string>;
}

/**
 * Providers as CSV. Columns: name, baseUrl, authStyle, weight, enabled, healthCheckPath,
 * rateLimitPerMinute, maxConcurrency (empty = no cap), headers (a JSON object; values masked unless
 * secrets are exported, and a masked value on import keeps the stored one), description, and apiKey
 * only in secret exports. On import only name and baseUrl are
 * required; an empty cell takes the field's default, except apiKey, where empty keeps the stored
 * credential (a CSV import cannot clear one).
 */

/** Serializes provider rows; `reveal` (admins' secret exports only) adds the apiKey column and header values. */
export function formatProvidersCsv(rows: readonly ProviderRow[], reveal: ProviderCsvReveal | null): string {
  const columns = PROVIDER_CSV_COLUMNS.filter((c) => c !== "apiKey" || reveal !== null);
  const records = rows.map((row) =>
    columns.map((column): string => {
      switch (column) {
        case "weight":
          return String(row.weight);
        case "enabled":
          return String(row.enabled);
        case "healthCheckPath":
          return row.healthCheckPath ?? "";
        case "rateLimitPerMinute":
        case "maxConcurrency":
          return row[column] === null ? "" : String(row[column]);
        case "headers":
          return Object.keys(row.headers).length > 0
            ? JSON.stringify(reveal ? reveal.headers(row) : maskProviderHeaders(row.headers))
            : "";
        case "apiKey":
          return reveal?.credential(row) ?? "";
        default:
          return row[column];
      }
    }),
  );
  return formatCsv([columns, ...records]);
}

export type ProvidersCsvParse =
  | { readonly ok: true; readonly entries: ProviderEntry[]; readonly lines: number[] }
  | { readonly ok: false; readonly issues: Issue[] };

const KNOWN = new Set<string>(PROVIDER_CSV_COLUMNS);
const BOOLEANS: Record<string, boolean> = {
  true: true,
  false: false,
  "1": true,
  "0": false,
  yes: true,
  no: false,
};

/** Parses and validates a providers CSV, reporting every problem as `line N.column: message`. */
export function parseProvidersCsv(text: string): ProvidersCsvParse {
  const parsed = parseCsv(text);
  if (!parsed.ok) return { ok: false, issues: [{ path: `line ${parsed.line}`, message: parsed.message }] };
  const [header, ...records] = parsed.records;
  if (!header)
    return { ok: false, issues: [{ path: "line 1", message: "the CSV is empty; expected a header row" }] };

  const issues: Issue[] = [];
  const columns = header.fields.map((f) => f.trim());
  columns.forEach((column, i) => {
    if (!KNOWN.has(column)) {
      issues.push({
        path: `line ${header.line}`,
        message: `unknown column "${column}" (known: ${PROVIDER_CSV_COLUMNS.join(", ")})`,
      });
    } else if (columns.indexOf(column) !== i) {
      issues.push({ path: `line ${header.line}`, message: `column "${column}" appears twice` });
    }
  });
  for (const required of ["name", "baseUrl"]) {
    if (!columns.includes(required)) {
      issues.push({ path: `line ${header.line}`, message: `missing required column "${required}"` });
    }
  }
  if (issues.length > 0) return { ok: false, issues };

  const entries: ProviderEntry[] = [];
  const lines: number[] = [];
  for (const record of records) {
    const where = `line ${record.line}`;
    if (record.fields.length !== columns.length) {
      issues.push({
        path: where,
        message: `expected ${columns.length} fields, found ${record.fields.length}`,
      });
      continue;
    }
    const raw: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const problem = readCell(raw, column as ProviderCsvColumn, record.fields[i] ?? "");
      if (problem) issues.push({ path: `${where}.${column}`, message: problem });
    });
    const result = providerEntrySchema.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = formatIssuePath(issue.path);
        issues.push({ path: path ? `${where}.${path}` : where, message: issue.message });
      }
      continue;
    }
    entries.push(result.data);
    lines.push(record.line);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, entries, lines };
}

/** Converts one cell into the entry field; returns a problem message or null. */
function readCell(out: Record<string, unknown>, column: ProviderCsvColumn, cell: string): string | null {
  if (cell === "" && column !== "name" && column !== "baseUrl" && column !== "description") {
    if (column === "healthCheckPath" || column === "rateLimitPerMinute" || column === "maxConcurrency") {
      out[column] = null;
    }
    return null;
  }
  switch (column) {
    case "weight":
    case "rateLimitPerMinute":
    case "maxConcurrency":
      if (!/^\s*\d+\s*$/.test(cell)) return "must be a whole number";
      out[column] = Number(cell);
      return null;
    case "enabled": {
      const value = BOOLEANS[cell.trim().toLowerCase()];
      if (value === undefined) return "must be true or false";
      out.enabled = value;
      return null;
    }
    case "headers":
      try {
        out.headers = JSON.parse(cell) as unknown;
        return null;
      } catch {
        return 'must be a JSON object such as {"anthropic-version":"2023-06-01"}';
      }
    default:
      out[column] = cell;
      return null;
  }
}
