/**
 * Counts event-loop turns (a `setImmediate` chain) while long work runs: a test of paced work asserts
 * the loop got turns in between, i.e. the work yielded instead of holding the loop.
 */

/** Starts counting; `stop()` ends the chain and answers the number of turns the loop had. */
export function startLoopTurnCounter(): { stop(): number } {
  let turns = 0;
  let ticking = true;
  const tick = () => {
    turns++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop: () => {
      ticking = false;
      return turns;
    },
  };
}
