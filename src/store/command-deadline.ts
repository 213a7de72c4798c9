/**
 * A deadline for one store operation that a busy event loop cannot trip by itself. A timer fires late
 * when this process was blocked (a long synchronous task, a GC pause), and by then the reply may be
 * sitting unread in the socket: a plain timeout would call that a stalled Redis, and a few of them
 * would open the circuit breaker for nothing. So when the deadline passes, pending I/O gets one turn
 * of the event loop (timers → poll → check: the poll phase reads the socket before a setImmediate
 * callback runs) before the operation is given up.
 */

/** The operation did not settle within its deadline. */
export class CommandTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = "CommandTimeoutError";
  }
}

/**
 * Runs `start` and settles like its promise, or rejects with CommandTimeoutError once `ms` passed and
 * pending I/O had its turn. `live()` turns false at that moment: a multi-step operation checks it
 * before a follow-up command, so an operation the caller gave up on does not go on writing (e.g.
 * re-running a script after NOSCRIPT once Redis is back, which would count a hit nobody asked for).
 */
export function withDeadline<T>(start: (live: () => boolean) => Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new CommandTimeoutError(ms));
      });
    }, ms);
    start(() => !settled).then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
