"use client";

import { useCallback, useMemo, useState } from "react";

/** A dialog's open state and the row it is about. */
export interface DialogSubject<T> {
  readonly open: boolean;
  /** Kept after closing, so the closing animation still shows the same content. */
  readonly subject: T | undefined;
  /** Opens the dialog about `subject` (none: a create dialog). */
  show: (subject?: T) => void;
  /** For the dialog's onOpenChange: keeps the subject. */
  setOpen: (open: boolean) => void;
}

/** State for a dialog that edits, deletes or otherwise acts on one row. */
export function useDialogSubject<T>(): DialogSubject<T> {
  const [state, setState] = useState<{ open: boolean; subject?: T }>({ open: false });
  const show = useCallback((subject?: T) => setState({ open: true, subject }), []);
  const setOpen = useCallback((open: boolean) => setState((current) => ({ ...current, open })), []);
  return useMemo(
    () => ({ open: state.open, subject: state.subject, show, setOpen }),
    [state.open, state.subject, show, setOpen],
  );
}
