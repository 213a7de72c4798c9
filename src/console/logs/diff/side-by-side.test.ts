import { describe, expect, it } from "vitest";
import type { DiffLineView } from "../log-debug-api";
import { pairLines, sideBySide } from "./side-by-side";

const eq = (text: string): DiffLineView => ({ op: "equal", text });
const add = (text: string): DiffLineView => ({ op: "add", text });
const del = (text: string): DiffLineView => ({ op: "remove", text });

describe("pairLines", () => {
  it("puts a removed block beside the added block that replaced it", () => {
    expect(pairLines([eq("a"), del("b"), del("c"), add("B"), eq("d")])).toEqual([
      { kind: "line", left: eq("a"), right: eq("a") },
      { kind: "line", left: del("b"), right: add("B") },
      { kind: "line", left: del("c"), right: null },
      { kind: "line", left: eq("d"), right: eq("d") },
    ]);
  });

  it("handles additions alone", () => {
    expect(pairLines([add("x")])).toEqual([{ kind: "line", left: null, right: add("x") }]);
  });
});

describe("sideBySide", () => {
  it("folds long unchanged stretches, keeping context around changes", () => {
    const lines = [...Array.from({ length: 10 }, (_, i) => eq(`h${i}`)), del("x"), add("y")];
    const rows = sideBySide(lines, 2);
    expect(rows[0]).toEqual({ kind: "fold", count: 8 });
    expect(rows.slice(1, 3).map((r) => (r.kind === "line" ? r.left?.text : null))).toEqual(["h8", "h9"]);
    expect(rows.at(-1)).toEqual({ kind: "line", left: del("x"), right: add("y") });
  });

  it("keeps short stretches whole and folds between two changes", () => {
    const middle = Array.from({ length: 9 }, (_, i) => eq(`m${i}`));
    const rows = sideBySide([del("a"), ...middle, add("b")], 2);
    expect(rows.filter((r) => r.kind === "fold")).toEqual([{ kind: "fold", count: 5 }]);
    expect(sideBySide([eq("a"), eq("b")], 2)).toHaveLength(2);
    expect(sideBySide([del("a"), ...middle.slice(0, 6), add("b")], 2)).toHaveLength(8);
  });
});
