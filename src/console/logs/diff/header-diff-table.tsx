"use client";

import { Badge } from "@/components/ui/badge";
import { useT } from "@/i18n/i18n-provider";
import type { HeaderDiffView } from "../log-debug-api";
import { REMOVED_TEXT } from "./diff-colours";

type HeaderRow = { name: string; kind: "added" | "removed" | "changed"; a: string | null; b: string | null };

const KIND_VARIANTS = { added: "success", removed: "destructive", changed: "outline" } as const;

/** The header rows of a diff, by name. */
function headerRows(diff: HeaderDiffView): HeaderRow[] {
  return [
    ...Object.entries(diff.removed).map(([name, a]): HeaderRow => ({ name, kind: "removed", a, b: null })),
    ...Object.entries(diff.added).map(([name, b]): HeaderRow => ({ name, kind: "added", a: null, b })),
    ...Object.entries(diff.changed).map(([name, pair]): HeaderRow => ({
      name,
      kind: "changed",
      a: pair.a,
      b: pair.b,
    })),
  ].sort((x, y) => x.name.localeCompare(y.name));
}

/** Headers added, removed and changed between A and B (credentials arrive masked). */
export function HeaderDiffTable({ diff }: { diff: HeaderDiffView }) {
  const t = useT();
  const rows = headerRows(diff);
  return (
    <div className="flex flex-col gap-2">
      {rows.length > 0 && (
        <div className="overflow-x-auto rounded-md border" tabIndex={0}>
          <table className="w-full text-xs" aria-label={t("debug.headersTitle")} data-testid="header-diff">
            <thead className="text-left text-muted-foreground">
              <tr className="border-b">
                <th className="px-2 py-1.5 font-medium">{t("debug.headerName")}</th>
                <th className="px-2 py-1.5 font-medium">{t("debug.change")}</th>
                <th className="px-2 py-1.5 font-medium">A</th>
                <th className="px-2 py-1.5 font-medium">B</th>
              </tr>
            </thead>
            <tbody className="font-mono">
              {rows.map((row) => (
                <tr key={row.name} className="border-b last:border-b-0 align-top">
                  <td className="px-2 py-1 break-all">{row.name}</td>
                  <td className="px-2 py-1 font-sans">
                    <Badge
                      variant={KIND_VARIANTS[row.kind]}
                      className={row.kind === "removed" ? REMOVED_TEXT : undefined}
                    >
                      {t(`debug.header_${row.kind}`)}
                    </Badge>
                  </td>
                  <td className="px-2 py-1 break-all">{row.a ?? "—"}</td>
                  <td className="px-2 py-1 break-all">{row.b ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="text-xs text-muted-foreground">{t("debug.headersSame", { count: diff.same })}</p>
    </div>
  );
}
