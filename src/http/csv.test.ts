import { describe, expect, it } from "vitest";
import { formatCsv, formatCsvField, parseCsv } from "./csv";

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
});
