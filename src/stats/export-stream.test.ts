import { describe, expect, it } from "vitest";
import { parseCsv } from "@/http/csv";
import { csvField, exportFilename, renderRecords, streamText } from "./export-stream";

async function* pages<T>(...items: (readonly T[])[]): AsyncGenerator<readonly T[]> {
  yield* items;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

interface Row {
  readonly name: string;
  readonly n: number | null;
}

const COLUMNS = [
  { name: "name", value: (r: Row) => r.name },
  { name: "n", value: (r: Row) => r.n },
];

describe("export stream", () => {
  it("quotes CSV fields per RFC 4180 and defuses spreadsheet formulas", () => {
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(-3.5)).toBe("-3.5");
    expect(csvField(true)).toBe("true");
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("@sum")).toBe("'@sum");
    expect(csvField("-x")).toBe("'-x");
    // A negative number as text is data, not a formula.
    expect(csvField("-12")).toBe("-12");
    expect(csvField("=a,b")).toBe(`"'=a,b"`);
  });

  it("renders pages as CSV with a header, or as one JSON array, skipping empty pages", async () => {
    const rows: Row[] = [
      { name: "a,1", n: 1 },
      { name: "b", n: null },
    ];
    const csv = await readAll(
      streamText(renderRecords(pages(rows.slice(0, 1), [], rows.slice(1)), "csv", COLUMNS, (r) => r)),
    );
    expect(csv).toBe('name,n\r\n"a,1",1\r\nb,\r\n');
    const parsed = parseCsv(csv);
    expect(parsed.ok && parsed.records.map((r) => r.fields)).toEqual([
      ["name", "n"],
      ["a,1", "1"],
      ["b", ""],
    ]);
    const json = await readAll(
      streamText(renderRecords(pages(rows.slice(0, 1), [], rows.slice(1)), "json", COLUMNS, (r) => r)),
    );
    expect(JSON.parse(json)).toEqual(rows);
    expect(await readAll(streamText(renderRecords(pages<Row>(), "json", COLUMNS, (r) => r)))).toBe("[\n]\n");
  });

  it("stamps file names with the export time", () => {
    expect(exportFilename("request-logs", "csv", new Date(Date.UTC(2026, 0, 1, 12, 0, 5, 250)))).toBe(
      "request-logs-20260101T120005Z.csv",
    );
  });
});
