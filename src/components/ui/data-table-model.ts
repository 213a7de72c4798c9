/** A value a column sorts by; null and undefined always sort last. */
export type SortValue = string | number | boolean | Date | null | undefined;

export type SortDirection = "asc" | "desc";

export interface SortState<K extends string> {
  column: K;
  direction: SortDirection;
}

export interface TableViewOptions<T, K extends string> {
  /** Text a row is found by; the search matches every whitespace-separated term, case-insensitively. */
  searchText: (row: T) => string;
  /** How each sortable column reads its value from a row. */
  sortValues: Record<K, (row: T) => SortValue>;
  /** Locale for string comparison (so 中文 names sort sensibly). */
  locale?: string;
}

/** Returns the rows matching `query`, sorted by `sort` (stable: equal rows keep their order). */
export function selectTableRows<T, K extends string>(
  rows: readonly T[],
  query: string,
  sort: SortState<K> | null,
  options: TableViewOptions<T, K>,
): T[] {
  const terms = query.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
  const matching =
    terms.length === 0
      ? [...rows]
      : rows.filter((row) => {
          const text = options.searchText(row).toLocaleLowerCase();
          return terms.every((term) => text.includes(term));
        });
  if (!sort) return matching;
  const read = options.sortValues[sort.column];
  const collator = new Intl.Collator(options.locale, { numeric: true, sensitivity: "base" });
  const sign = sort.direction === "asc" ? 1 : -1;
  return matching
    .map((row, index) => ({ row, index, value: read(row) }))
    .sort((a, b) => {
      const aMissing = a.value === null || a.value === undefined;
      const bMissing = b.value === null || b.value === undefined;
      if (aMissing || bMissing) {
        if (aMissing && bMissing) return a.index - b.index;
        return aMissing ? 1 : -1;
      }
      const order = compareSortValues(
        a.value as NonNullable<SortValue>,
        b.value as NonNullable<SortValue>,
        collator,
      );
      return order === 0 ? a.index - b.index : order * sign;
    })
    .map((entry) => entry.row);
}

/** Cycles a column's sort: ascending, then descending, then back to unsorted. */
export function nextSortState<K extends string>(
  current: SortState<K> | null,
  column: K,
): SortState<K> | null {
  if (!current || current.column !== column) return { column, direction: "asc" };
  if (current.direction === "asc") return { column, direction: "desc" };
  return null;
}

function compareSortValues(
  a: NonNullable<SortValue>,
  b: NonNullable<SortValue>,
  collator: Intl.Collator,
): number {
  if (typeof a === "string" && typeof b === "string") return collator.compare(a, b);
  return toNumber(a) - toNumber(b);
}

function toNumber(value: NonNullable<SortValue>): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? 0 : parsed;
}
