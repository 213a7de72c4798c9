import type { MeasuredCell } from "./measure";

/**
 * Folds the cells of repeated rounds (`--rounds N`) into one cell per target and connection count.
 * This host's CPU time per request moves by ±30 % between minutes, the bare reference with it, so a
 * round measures every side back to back and the ratio to bare is taken within a round; the reported
 * ratio is the median of those paired ratios, and the reported cell is the round of median CPU.
 */
export function mergeRounds(rounds: readonly (readonly MeasuredCell[])[]): MeasuredCell[] {
  const first = rounds[0];
  if (first === undefined) return [];
  if (rounds.length === 1) return [...first];
  return first.map((cell) => {
    const same = (c: MeasuredCell) =>
      c.target === cell.target && c.load.connections === cell.load.connections;
    const series = rounds.map((round) => round.find(same)).filter((c): c is MeasuredCell => c !== undefined);
    const chosen = medianBy(series, (c) => c.cpuUsPerReq ?? c.load.p50Ms);
    if (cell.target === "bare" || cell.cpuUsPerReq === null) return chosen;
    const paired = rounds.flatMap((round) => {
      const mine = round.find(same)?.cpuUsPerReq;
      const bare = round.find(
        (c) => c.target === "bare" && c.load.connections === cell.load.connections,
      )?.cpuUsPerReq;
      return mine != null && bare ? [mine / bare] : [];
    });
    return { ...chosen, cpuRatioRounds: paired };
  });
}

/** The element whose key is the median (the lower middle for an even count, as `median`). */
function medianBy<T>(items: readonly T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
