import { formatCsvField } from "../http/csv";

/**
 * Streamed downloads: a source yields text pieces page by page and the stream pulls the next page only
 * when the consumer (the HTTP response, with backpressure) asks, so an export never holds more than
 * one page of rows in memory.
 */

export type ExportFormat = "csv" | "json";

/** A download the admin API sends as a streamed response body. */
export interface ExportFile {
  readonly filename: string;
  readonly contentType: string;
  readonly body: ReadableStream<Uint8Array>;
}

/** A pull-based byte stream over an async iterator of text pieces; cancel stops the iterator. */
export function streamText(source: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let iterator: AsyncIterator<string> | null = null;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        iterator ??= source[Symbol.asyncIterator]();
        const next = await iterator.next();
        if (next.done === true) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await iterator?.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}

export type CsvValue = string | number | boolean | null | undefined;

/** One CSV field through the shared writer (formula guard and quoting, as every CSV we write). */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  return formatCsvField(String(value));
}

/** One CSV record with its CRLF. */
function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

/** Pages of records → CSV (header first) or a JSON array, piece by piece. */
export async function* renderRecords<T>(
  pages: AsyncIterable<readonly T[]>,
  format: ExportFormat,
  columns: readonly { readonly name: string; readonly value: (record: T) => CsvValue }[],
  toJson: (record: T) => unknown,
): AsyncGenerator<string> {
  if (format === "csv") {
    yield csvLine(columns.map((c) => c.name));
    for await (const page of pages) {
      if (page.length > 0) yield page.map((r) => csvLine(columns.map((c) => c.value(r)))).join("");
    }
    return;
  }
  yield "[";
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    const text = page.map((r) => JSON.stringify(toJson(r))).join(",\n");
    yield first ? `\n${text}` : `,\n${text}`;
    first = false;
  }
  yield "\n]\n";
}

/** A file name stamped with the export time: `request-logs-20260101T120000Z.csv`. */
export function exportFilename(base: string, format: ExportFormat, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${base}-${stamp}.${format}`;
}

/** The content type of a format. */
export function exportContentType(format: ExportFormat): string {
  return format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
}
