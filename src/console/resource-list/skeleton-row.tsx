import { Skeleton } from "@/components/ui/skeleton";
import { TableCell, TableRow } from "@/components/ui/table";

/** One cell of a placeholder row: the cell's classes (responsive hiding) and one bar per line. */
export interface SkeletonCell {
  readonly className?: string;
  /** Classes of each placeholder bar (height, width, spacing); none for an empty cell. */
  readonly bars?: readonly string[];
}

/** A placeholder row shaped like a list's real rows, for `ResourceTableCard`'s `skeleton`. */
export function SkeletonRow({ cells }: { cells: readonly SkeletonCell[] }) {
  return (
    <TableRow className="hover:bg-transparent">
      {cells.map((cell, index) => (
        <TableCell key={index} className={cell.className}>
          {cell.bars?.map((bar) => (
            <Skeleton key={bar} className={bar} />
          ))}
        </TableCell>
      ))}
    </TableRow>
  );
}
