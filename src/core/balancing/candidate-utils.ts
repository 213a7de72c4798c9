import type { Candidate } from "./types";

/**
 * Helpers shared by the strategies. The contract promises weights > 0, but a strategy must still
 * return a member for any non-empty list, so odd weights are normalised here instead of crashing.
 */

/** Returns the weight a strategy should use: the candidate's weight when positive and finite, else 0. */
export function readWeight(candidate: Candidate): number {
  const weight = candidate.weight;
  return weight > 0 && Number.isFinite(weight) ? weight : 0;
}

/** Sums the usable weights of `candidates` (0 means "no usable weight": treat them as equal). */
export function sumWeights(candidates: readonly Candidate[]): number {
  let total = 0;
  for (const candidate of candidates) total += readWeight(candidate);
  return total;
}

/**
 * Returns the candidate whose id follows `lastId` in id order, wrapping to the smallest id. Keying the
 * rotation on ids (not list positions) keeps it fair when the list shrinks or grows between picks:
 * after a provider is excluded for a retry, the next one in line is still the one after it.
 */
export function findNextInRotation<T extends { readonly id: string }>(
  candidates: readonly T[],
  lastId: string | undefined,
): T | undefined {
  let first: T | undefined;
  let next: T | undefined;
  for (const candidate of candidates) {
    if (first === undefined || candidate.id < first.id) first = candidate;
    if (lastId !== undefined && candidate.id > lastId && (next === undefined || candidate.id < next.id)) {
      next = candidate;
    }
  }
  return next ?? first;
}
