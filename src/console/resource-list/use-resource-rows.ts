"use client";

import { useCallback, useMemo, useState } from "react";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import type { ApiQuery } from "../use-api-query";
import { describeError } from "../describe-error";
import { removeRow, toggleId, upsertRow, type Identified } from "./rows";

/** Local edits of a loaded list: the results of mutations, without reloading it. */
export interface ResourceRows<T extends Identified> {
  /** Puts a saved row in place of the one with its id (or appends it). */
  upsert: (saved: T) => void;
  remove: (id: string) => void;
}

/** Upsert/remove on a `useApiQuery` list. */
export function useResourceRows<T extends Identified>(setData: ApiQuery<T[]>["setData"]): ResourceRows<T> {
  const upsert = useCallback((saved: T) => setData((rows) => upsertRow(rows, saved)), [setData]);
  const remove = useCallback((id: string) => setData((rows) => removeRow(rows, id)), [setData]);
  return useMemo(() => ({ upsert, remove }), [upsert, remove]);
}

export interface OptimisticToggleOptions<T extends Identified> {
  readonly rows: ResourceRows<T>;
  /** Saves the new state; answers the row as stored. */
  readonly save: (row: T, enabled: boolean) => Promise<T>;
  /** The toast after a successful change. */
  readonly message: (row: T, enabled: boolean) => string;
}

/**
 * An enable switch that flips at once and rolls back (with the error in a toast) when the save fails.
 * `pending` holds the ids being saved, so their switches stay disabled meanwhile.
 */
export function useOptimisticToggle<T extends Identified & { readonly enabled: boolean }>({
  rows,
  save,
  message,
}: OptimisticToggleOptions<T>) {
  const t = useT();
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());

  const toggle = async (row: T, enabled: boolean) => {
    setPending((current) => toggleId(current, row.id, true));
    rows.upsert({ ...row, enabled });
    try {
      rows.upsert(await save(row, enabled));
      toast.success(message(row, enabled));
    } catch (error) {
      rows.upsert(row);
      toast.error(describeError(t, error));
    } finally {
      setPending((current) => toggleId(current, row.id, false));
    }
  };
  return { pending, toggle };
}
