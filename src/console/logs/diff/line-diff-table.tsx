"use client";

import { cn } from "@/components/ui/cn";
import { useT } from "@/i18n/i18n-provider";
import type { DiffLineView } from "../log-debug-api";
import { sideBySide, type SideCell } from "./side-by-side";
import { ADDED_TEXT, REMOVED_TEXT } from "./diff-colours";

const CELL_COLOURS: Record<SideCell["op"], string> = {
  equal: "",
  remove: `bg-destructive/10 ${REMOVED_TEXT}`,
  add: `bg-success/10 ${ADDED_TEXT}`,
};

function Cell({ cell }: { cell: SideCell | null }) {
  return (
    <td
      className={cn(
        "w-1/2 border-l px-2 py-0.5 align-top break-all whitespace-pre-wrap first:border-l-0",
        cell ? CELL_COLOURS[cell.op] : "bg-muted/40",
      )}
      data-op={cell?.op}
    >
      {cell && (
        <>
          <span aria-hidden className="mr-1 inline-block w-2 select-none opacity-60">
            {cell.op === "remove" ? "−" : cell.op === "add" ? "+" : ""}
          </span>
          {cell.text || " "}
        </>
      )}
    </td>
  );
}

/** A line diff in two columns (A left, B right) with unchanged stretches folded. */
export function LineDiffTable({
  lines,
  label,
  testId,
}: {
  lines: readonly DiffLineView[];
  /** The table's accessible name. */
  label: string;
  testId?: string;
}) {
  const t = useT();
  const rows = sideBySide(lines);
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">{t("debug.nothing")}</p>;
  return (
    <div className="max-h-[32rem] overflow-auto rounded-md border" tabIndex={0}>
      <table className="w-full table-fixed font-mono text-xs" aria-label={label} data-testid={testId}>
        <thead className="sticky top-0 bg-background text-left text-muted-foreground">
          <tr>
            <th className="px-2 py-1 font-medium">A</th>
            <th className="border-l px-2 py-1 font-medium">B</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) =>
            row.kind === "fold" ? (
              <tr key={index}>
                <td colSpan={2} className="bg-muted/60 px-2 py-0.5 text-center text-muted-foreground">
                  {t("debug.unchangedLines", { count: row.count })}
                </td>
              </tr>
            ) : (
              <tr key={index}>
                <Cell cell={row.left} />
                <Cell cell={row.right} />
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}
