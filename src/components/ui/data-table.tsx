"use client";

import { useDeferredValue, useMemo, useState, type ComponentProps, type ReactNode } from "react";
import { ArrowDownIcon, ArrowUpIcon, ChevronsUpDownIcon, SearchIcon, XIcon } from "lucide-react";
import { nextSortState, selectTableRows, type SortState, type TableViewOptions } from "./data-table-model";
import { TableHead } from "./table";
import { cn } from "./cn";

export type { SortState, SortValue, TableViewOptions } from "./data-table-model";

export interface TableView<T, K extends string> {
  query: string;
  setQuery: (query: string) => void;
  sort: SortState<K> | null;
  /** Cycles the column through ascending, descending and unsorted. */
  toggleSort: (column: K) => void;
  /** The rows to render: filtered by the query, then sorted. */
  rows: T[];
  /** How many rows exist before filtering. */
  total: number;
}

/** Client-side search and sort state for a table of already-loaded rows. */
export function useTableView<T, K extends string>(
  rows: readonly T[] | undefined,
  options: TableViewOptions<T, K>,
  initialSort: SortState<K> | null = null,
): TableView<T, K> {
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<SortState<K> | null>(initialSort);
  // Typing stays responsive on long lists: filtering follows at lower priority.
  const deferredQuery = useDeferredValue(query);
  const { searchText, sortValues, locale } = options;
  const visible = useMemo(
    () => selectTableRows(rows ?? [], deferredQuery, sort, { searchText, sortValues, locale }),
    [rows, deferredQuery, sort, searchText, sortValues, locale],
  );
  return {
    query,
    setQuery,
    sort,
    toggleSort: (column) => setSort((current) => nextSortState(current, column)),
    rows: visible,
    total: rows?.length ?? 0,
  };
}

export type SortableHeadProps<K extends string> = Omit<ComponentProps<"th">, "children"> & {
  column: K;
  sort: SortState<K> | null;
  onSort: (column: K) => void;
  children: ReactNode;
  align?: "left" | "right";
};

/** A header cell whose button sorts the column; announces the order through aria-sort. */
export function SortableHead<K extends string>({
  column,
  sort,
  onSort,
  children,
  align = "left",
  className,
  ...props
}: SortableHeadProps<K>) {
  const direction = sort?.column === column ? sort.direction : null;
  const Icon = direction === "asc" ? ArrowUpIcon : direction === "desc" ? ArrowDownIcon : ChevronsUpDownIcon;
  return (
    <TableHead
      aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : "none"}
      className={cn(align === "right" && "text-right", className)}
      {...props}
    >
      <button
        type="button"
        onClick={() => onSort(column)}
        className={cn(
          "-mx-2 inline-flex h-8 items-center gap-1 rounded-md px-2 font-medium outline-none hover:bg-accent hover:text-accent-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50",
          direction && "text-foreground",
        )}
      >
        {children}
        <Icon className={cn("size-3.5", !direction && "opacity-40")} aria-hidden />
      </button>
    </TableHead>
  );
}

export type TableSearchProps = Omit<ComponentProps<"input">, "value" | "onChange"> & {
  value: string;
  onValueChange: (value: string) => void;
  clearLabel?: string;
};

/** A search box for a table, with a clear button; Escape clears it too. */
export function TableSearch({
  value,
  onValueChange,
  clearLabel = "Clear",
  className,
  ...props
}: TableSearchProps) {
  return (
    <div className={cn("relative w-full sm:max-w-xs", className)}>
      <SearchIcon
        className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground"
        aria-hidden
      />
      <input
        type="search"
        value={value}
        onChange={(event) => onValueChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape" && value) {
            event.preventDefault();
            onValueChange("");
          }
        }}
        className="flex h-9 w-full rounded-md border border-input bg-transparent py-1 pr-8 pl-8 text-base shadow-xs transition-[color,box-shadow] outline-none placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 md:text-sm dark:bg-input/30 [&::-webkit-search-cancel-button]:hidden"
        {...props}
      />
      {value && (
        <button
          type="button"
          onClick={() => onValueChange("")}
          className="absolute top-1/2 right-1.5 flex size-6 -translate-y-1/2 items-center justify-center rounded-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
        >
          <XIcon className="size-3.5" aria-hidden />
          <span className="sr-only">{clearLabel}</span>
        </button>
      )}
    </div>
  );
}
