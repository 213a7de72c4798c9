"use client";

import { useState } from "react";

/**
 * A number that grows each time `open` turns true: key a dialog's form with it, so every opening
 * starts fresh while a closing dialog keeps its content (no shrinking during the close animation).
 */
export function useOpening(open: boolean): number {
  const [state, setState] = useState({ open, generation: 0 });
  if (state.open !== open) setState({ open, generation: state.generation + (open ? 1 : 0) });
  return state.generation;
}
