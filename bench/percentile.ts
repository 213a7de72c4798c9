/** Nearest-rank percentile (0 < q ≤ 1) of the finite values; NaN for none. */
export function percentile(values: readonly number[], q: number): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = finite.sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

/** Nearest-rank median: the lower middle for an even count. */
export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}
