/** A row the console lists and edits by id. */
export interface Identified {
  readonly id: string;
}

/** The list with `saved` in place of the row with its id, or appended when it is new. */
export function upsertRow<T extends Identified>(rows: readonly T[] | undefined, saved: T): T[] {
  const list = rows ?? [];
  return list.some((row) => row.id === saved.id)
    ? list.map((row) => (row.id === saved.id ? saved : row))
    : [...list, saved];
}

/** The list without the row with this id (undefined stays undefined: nothing was loaded yet). */
export function removeRow<T extends Identified>(rows: readonly T[] | undefined, id: string): T[] | undefined {
  return rows?.filter((row) => row.id !== id);
}

/** The set with `id` added or removed, as a new set (React state is never mutated). */
export function toggleId(ids: ReadonlySet<string>, id: string, present: boolean): ReadonlySet<string> {
  const next = new Set(ids);
  if (present) next.add(id);
  else next.delete(id);
  return next;
}
