import { describe, expect, it } from "vitest";
import { removeRow, toggleId, upsertRow } from "./rows";

const a = { id: "a", name: "A" };
const b = { id: "b", name: "B" };

describe("resource rows", () => {
  it("replaces a row in place and keeps the order", () => {
    const rows = [a, b];
    const next = upsertRow(rows, { id: "a", name: "A2" });
    expect(next).toEqual([{ id: "a", name: "A2" }, b]);
    expect(rows).toEqual([a, b]);
  });

  it("appends a new row, also to a list not loaded yet", () => {
    expect(upsertRow([a], b)).toEqual([a, b]);
    expect(upsertRow(undefined, a)).toEqual([a]);
  });

  it("removes by id and leaves an unloaded list unloaded", () => {
    expect(removeRow([a, b], "a")).toEqual([b]);
    expect(removeRow([a, b], "zzz")).toEqual([a, b]);
    expect(removeRow(undefined, "a")).toBeUndefined();
  });

  it("adds and removes ids without touching the original set", () => {
    const ids = new Set(["x"]);
    expect([...toggleId(ids, "y", true)]).toEqual(["x", "y"]);
    expect([...toggleId(ids, "x", false)]).toEqual([]);
    expect([...ids]).toEqual(["x"]);
  });
});
