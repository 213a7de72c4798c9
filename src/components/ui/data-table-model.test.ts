import { describe, expect, it } from "vitest";
import { nextSortState, selectTableRows, type TableViewOptions } from "./data-table-model";

interface Row {
  name: string;
  weight: number | null;
  enabled: boolean;
  updatedAt: string;
}

const rows: Row[] = [
  { name: "beta", weight: 5, enabled: true, updatedAt: "2026-01-02T00:00:00Z" },
  { name: "Alpha 10", weight: null, enabled: false, updatedAt: "2026-01-03T00:00:00Z" },
  { name: "alpha 9", weight: 1, enabled: true, updatedAt: "2026-01-01T00:00:00Z" },
  { name: "gamma", weight: 5, enabled: false, updatedAt: "2025-12-31T00:00:00Z" },
];

const options: TableViewOptions<Row, "name" | "weight" | "enabled" | "updatedAt"> = {
  searchText: (row) => `${row.name} ${row.enabled ? "on" : "off"}`,
  sortValues: {
    name: (row) => row.name,
    weight: (row) => row.weight,
    enabled: (row) => row.enabled,
    updatedAt: (row) => row.updatedAt,
  },
  locale: "en",
};

const names = (list: Row[]) => list.map((row) => row.name);

describe("selectTableRows", () => {
  it("matches every term, case-insensitively, in any order", () => {
    expect(names(selectTableRows(rows, "ALPHA", null, options))).toEqual(["Alpha 10", "alpha 9"]);
    expect(names(selectTableRows(rows, "  on   alpha ", null, options))).toEqual(["alpha 9"]);
    expect(names(selectTableRows(rows, "delta", null, options))).toEqual([]);
    expect(names(selectTableRows(rows, "   ", null, options))).toHaveLength(4);
  });

  it("sorts strings naturally and ignoring case", () => {
    expect(names(selectTableRows(rows, "", { column: "name", direction: "asc" }, options))).toEqual([
      "alpha 9",
      "Alpha 10",
      "beta",
      "gamma",
    ]);
    expect(names(selectTableRows(rows, "", { column: "name", direction: "desc" }, options))).toEqual([
      "gamma",
      "beta",
      "Alpha 10",
      "alpha 9",
    ]);
  });

  it("keeps missing values last in both directions and equal values in their original order", () => {
    expect(names(selectTableRows(rows, "", { column: "weight", direction: "asc" }, options))).toEqual([
      "alpha 9",
      "beta",
      "gamma",
      "Alpha 10",
    ]);
    expect(names(selectTableRows(rows, "", { column: "weight", direction: "desc" }, options))).toEqual([
      "beta",
      "gamma",
      "alpha 9",
      "Alpha 10",
    ]);
  });

  it("sorts booleans and ISO timestamps", () => {
    expect(names(selectTableRows(rows, "", { column: "enabled", direction: "desc" }, options))).toEqual([
      "beta",
      "alpha 9",
      "Alpha 10",
      "gamma",
    ]);
    expect(names(selectTableRows(rows, "", { column: "updatedAt", direction: "asc" }, options))).toEqual([
      "gamma",
      "alpha 9",
      "beta",
      "Alpha 10",
    ]);
  });

  it("does not modify the input", () => {
    const copy = [...rows];
    selectTableRows(rows, "", { column: "name", direction: "asc" }, options);
    expect(rows).toEqual(copy);
  });
});

describe("nextSortState", () => {
  it("cycles ascending, descending, unsorted, and restarts on another column", () => {
    const first = nextSortState(null, "name");
    expect(first).toEqual({ column: "name", direction: "asc" });
    const second = nextSortState(first, "name");
    expect(second).toEqual({ column: "name", direction: "desc" });
    expect(nextSortState(second, "name")).toBeNull();
    expect(nextSortState(second, "weight")).toEqual({ column: "weight", direction: "asc" });
  });
});
