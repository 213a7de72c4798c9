import type { HealthEvent } from "@/contracts/stats";
import { HEALTH_STATES, type HealthStateName } from "@/core/vocabulary/health";

/** One stretch of a provider's health history: a state from `start` to `end` (epoch ms). */
export interface HealthSegment {
  state: HealthStateName;
  start: number;
  end: number;
}

const isState = (value: string): value is HealthStateName =>
  (HEALTH_STATES as readonly string[]).includes(value);

/**
 * The provider's state over [from, to] from its stored transitions (oldest first or not). Before the
 * first transition it was in that transition's `from` state; without any transition in the range it
 * was in `current` the whole time (null when that is unknown too: no segment). Unknown state names
 * (written by a newer version) are skipped.
 */
export function buildHealthSegments(
  events: readonly HealthEvent[],
  from: number,
  to: number,
  current: HealthStateName | null,
): HealthSegment[] {
  if (!(to > from)) return [];
  const sorted = events
    .map((event) => ({ ...event, ms: Date.parse(event.at) }))
    .filter((event) => Number.isFinite(event.ms) && event.ms >= from && event.ms <= to)
    .sort((a, b) => a.ms - b.ms);
  const first = sorted[0];
  let state: HealthStateName | null = first ? (isState(first.from) ? first.from : null) : current;
  let start = from;
  const segments: HealthSegment[] = [];
  for (const event of sorted) {
    if (state !== null && event.ms > start) segments.push({ state, start, end: event.ms });
    state = isState(event.to) ? event.to : null;
    start = event.ms;
  }
  if (state !== null && to > start) segments.push({ state, start, end: to });
  return mergeNeighbours(segments);
}

/** Joins touching segments of the same state (a transition that did not change it, e.g. after a restart). */
function mergeNeighbours(segments: HealthSegment[]): HealthSegment[] {
  const merged: HealthSegment[] = [];
  for (const segment of segments) {
    const last = merged.at(-1);
    if (last && last.state === segment.state && last.end === segment.start) last.end = segment.end;
    else merged.push({ ...segment });
  }
  return merged;
}

/** Share of the range spent in each state (0–1), for the legend. */
export function shareByState(
  segments: readonly HealthSegment[],
  from: number,
  to: number,
): Record<HealthStateName, number> {
  const shares = Object.fromEntries(HEALTH_STATES.map((state) => [state, 0])) as Record<
    HealthStateName,
    number
  >;
  const span = to - from;
  if (!(span > 0)) return shares;
  for (const segment of segments) shares[segment.state] += (segment.end - segment.start) / span;
  return shares;
}
