import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCsv, formatCsvField, guardCsvCell, parseCsv, unguardCsvCell } from "./csv";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const RUNS = { numRuns: 500, seed: SEED };

/** What a spreadsheet would evaluate: a formula start that is not entirely a plain number. */
function evaluatedBySpreadsheet(cell: string): boolean {
  return /^[=+\-@\t\r]/.test(cell) && !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(cell);
}

/** Cells that start like formulas, numbers, or quotes, to hit the guard's edges often. */
const trickyCell = fc
  .tuple(
    fc.constantFrom("", "=", "+", "-", "@", "\t", "\r", "'", "''", "'=", "-1", "3.5", " ", '"'),
    fc.string({ maxLength: 12 }),
  )
  .map(([head, tail]) => head + tail);

describe("CSV (RFC 4180)", () => {
  it("quotes only the fields that need it", () => {
    expect(formatCsvField("plain")).toBe("plain");
    expect(formatCsvField("a,b")).toBe('"a,b"');
    expect(formatCsvField('say "hi"')).toBe('"say ""hi"""');
    expect(formatCsvField("two\nlines")).toBe('"two\nlines"');
    expect(formatCsvField(" padded")).toBe('" padded"');
    expect(
      formatCsv([
        ["a", "b"],
        ["1", ""],
      ]),
    ).toBe("a,b\r\n1,\r\n");
  });

  it("round-trips awkward values", () => {
    const records = [
      ["name", "note"],
      ["x", 'comma, "quote"\r\nand CRLF'],
      ["", "empty first"],
      ["é✓", ""],
    ];
    const parsed = parseCsv(formatCsv(records));
    expect(parsed.ok && parsed.records.map((r) => r.fields)).toEqual(records);
  });

  it("accepts LF line ends, a BOM and a missing final newline; skips blank lines; tracks lines", () => {
    const parsed = parseCsv('\uFEFFa,b\n\n"multi\nline",2\nlast,3');
    expect(parsed).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ["a", "b"] },
        { line: 3, fields: ["multi\nline", "2"] },
        { line: 5, fields: ["last", "3"] },
      ],
    });
    expect(parseCsv('""\r\n')).toEqual({ ok: true, records: [{ line: 1, fields: [""] }] });
  });

  it("reports syntax errors with their line", () => {
    expect(parseCsv('a,b\r\n"open,1\r\n')).toEqual({
      ok: false,
      line: 2,
      message: "unterminated quoted field",
    });
    expect(parseCsv('a\r\nb"c\r\n')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('"a"b\r\n')).toMatchObject({ ok: false, line: 1 });
  });

  it("neutralises formulas but leaves plain numbers alone", () => {
    expect(formatCsvField('-1+HYPERLINK("x")')).toBe(`"'-1+HYPERLINK(""x"")"`);
    expect(formatCsvField("=SUM(A1)")).toBe("'=SUM(A1)");
    expect(formatCsvField("+1")).toBe("+1");
    expect(formatCsvField("-1")).toBe("-1");
    expect(formatCsvField("3.5")).toBe("3.5");
    expect(formatCsvField("-2e5")).toBe("-2e5");
    expect(formatCsvField("@cmd")).toBe("'@cmd");
    expect(formatCsvField("\tx")).toBe("'\tx");
    expect(formatCsvField("\r=1")).toBe(`"'\r=1"`);
    expect(formatCsvField("-")).toBe("'-");
    expect(formatCsvField("'=1")).toBe("''=1");
    expect(formatCsvField("'plain")).toBe("'plain");
  });

  it(`no written cell is evaluated, and parsing gives every cell back (seed ${SEED}, ${RUNS.numRuns} runs)`, () => {
    console.log(`csv formula property: seed ${SEED}, ${RUNS.numRuns} runs`);
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(trickyCell, fc.string()), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 4,
        }),
        (rows) => {
          const text = formatCsv([["h"], ...rows]);
          const parsed = parseCsv(text);
          expect(parsed.ok).toBe(true);
          if (!parsed.ok) return;
          // Raw cells as a spreadsheet reads them: field text before quote handling is what matters,
          // so re-read each record's cells from guarded values.
          for (const row of rows)
            for (const cell of row) expect(evaluatedBySpreadsheet(guardCsvCell(cell))).toBe(false);
          const expected = [["h"], ...rows].filter((r) => !(r.length === 1 && r[0] === ""));
          expect(parsed.records.map((r) => r.fields)).toEqual(expected);
        },
      ),
      RUNS,
    );
  });

  it("unguard inverts guard for any string", () => {
    fc.assert(
      fc.property(fc.oneof(trickyCell, fc.string()), (cell) => {
        expect(unguardCsvCell(guardCsvCell(cell))).toBe(cell);
      }),
      RUNS,
    );
  });
});
