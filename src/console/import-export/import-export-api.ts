import { importResultSchema, type ImportResult } from "@/contracts/config-document";
import { apiDownload, apiPost, apiPostText, readOne } from "../api-client";
import { endpoints } from "../endpoints";
import { saveBlob } from "../observability/download-file";

/** What the person picked to import. */
export type ImportFormat = "json" | "csv";

/** A file read into memory and classified. */
export interface ImportFile {
  name: string;
  format: ImportFormat;
  text: string;
}

/** JSON when the name ends in .json or the text starts with `{`; CSV otherwise. */
export function detectFormat(name: string, text: string): ImportFormat {
  if (/\.json$/i.test(name)) return "json";
  if (/\.csv$/i.test(name)) return "csv";
  return text.trimStart().startsWith("{") ? "json" : "csv";
}

/** Parses a JSON document, or returns the parser's message for an error line in the console. */
export function parseJsonDocument(
  text: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Sends the file to the matching import endpoint; `dryRun` only computes the diff. */
export async function runImport(
  file: ImportFile,
  document: unknown,
  options: { dryRun: boolean; prune: boolean },
): Promise<ImportResult> {
  const query = { dryRun: options.dryRun, prune: options.prune };
  const body =
    file.format === "json"
      ? await apiPost<unknown>(endpoints.configImport, document, { query })
      : await apiPostText<unknown>(endpoints.providersCsvImport, file.text, "text/csv", { query });
  return readOne(body, importResultSchema);
}

/** Downloads the configuration (JSON) or the providers (CSV) and saves it through the browser. */
export async function downloadExport(
  kind: ImportFormat,
  includeSecrets: boolean,
  now: Date,
): Promise<string> {
  const path = kind === "json" ? endpoints.configExport : endpoints.providersCsvExport;
  const { blob, fileName } = await apiDownload(path, { query: { includeSecrets } });
  const stamp = now.toISOString().slice(0, 10);
  const name =
    kind === "json"
      ? `roundabout-config-${stamp}${includeSecrets ? "-with-secrets" : ""}.json`
      : (fileName ?? `providers-${stamp}.csv`);
  saveBlob(blob, name);
  return name;
}

/** Counts of an import's changes, for the summary line. */
export function summarizeDiff(result: ImportResult): {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
} {
  const { providers, groups, apiKeys } = result.diff;
  return {
    created: providers.created.length + groups.created.length,
    updated: providers.updated.length + groups.updated.length + apiKeys.updated.length,
    deleted: providers.deleted.length + groups.deleted.length,
    unchanged: providers.unchanged.length + groups.unchanged.length + apiKeys.unchanged.length,
  };
}
