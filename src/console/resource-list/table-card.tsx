"use client";

import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/components/ui/cn";

/** A header cell: its text and responsive visibility / alignment (`hidden md:table-cell`). */
export interface TableCardColumn {
  readonly label: string;
  readonly className?: string;
  /** Read by screen readers only (the actions column). */
  readonly srOnly?: boolean;
}

/**
 * A table in a card without search or sorting (short lists, or lists the server filters): its header,
 * then placeholder rows spanning every column while `loading`, else the rows given as children.
 */
export function TableCard({
  columns,
  loading,
  skeletonRows,
  skeletonClassName,
  footer,
  children,
  "data-testid": testId,
}: {
  columns: readonly TableCardColumn[];
  loading: boolean;
  skeletonRows: number;
  /** Height of a placeholder row, e.g. `h-8`. */
  skeletonClassName: string;
  /** Drawn under the table, inside the card (paging). */
  footer?: ReactNode;
  children: ReactNode;
  "data-testid"?: string;
}) {
  return (
    <Card className="gap-0 py-0">
      <Table data-testid={testId}>
        <TableHeader>
          <TableRow>
            {columns.map((column) => (
              <TableHead key={column.label} className={column.className}>
                {column.srOnly ? <span className="sr-only">{column.label}</span> : column.label}
              </TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {loading
            ? Array.from({ length: skeletonRows }, (_, row) => (
                <TableRow key={row}>
                  <TableCell colSpan={columns.length}>
                    <Skeleton className={cn("w-full", skeletonClassName)} />
                  </TableCell>
                </TableRow>
              ))
            : children}
        </TableBody>
      </Table>
      {footer}
    </Card>
  );
}
