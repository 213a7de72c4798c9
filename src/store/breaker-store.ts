/**
 * A circuit breaker in front of a state store that can stall (Redis). Every call goes through it:
 * while the breaker is closed calls pass and their outcome feeds it; once it opens (a few consecutive
 * timeouts or connection errors) calls fail at once with STORE_UNAVAILABLE — the error the gateway's
 * STATE_STORE_FAILURE handling already maps to fail-open or fail-closed — instead of each waiting for
 * the command timeout. While open, one `ping()` probe runs every `probeIntervalMs`; the breaker closes
 * when it answers.
 *
 * What counts as a failure: STORE_UNAVAILABLE (timeouts, refused or dropped connections). Anything
 * else (a Lua script's own refusal, WRONGTYPE, a bad argument) means the store answered: it resets the
 * streak. Pub/sub subscriptions pass through untouched: they have their own reconnect handling, and a
 * subscribe is not on the request path.
 */
import {
  createCircuitBreaker,
  type BreakerTransition,
  type CircuitBreakerOptions,
} from "../core/circuit-breaker/circuit-breaker";
import { AppError, isAppError } from "../core/errors/catalogue";
import type { Lease, StateStore, StoreBreakerView } from "./types";

export interface BreakerStoreOptions extends Pick<
  CircuitBreakerOptions,
  "failureThreshold" | "windowMs" | "probeIntervalMs" | "now"
> {
  /** The breaker opened (calls now fail at once). Must not throw. */
  readonly onOpen?: (transition: BreakerTransition) => void;
  /** A probe answered and the breaker closed (calls pass again). Must not throw. */
  readonly onClose?: (transition: BreakerTransition) => void;
}

/** A store behind a breaker, which it reports on. */
export interface BreakerStateStore extends StateStore {
  readonly breaker: StoreBreakerView;
}

/** True for the errors that say the store did not answer (they count against the breaker). */
function isOutage(err: unknown): boolean {
  return isAppError(err) && err.code === "STORE_UNAVAILABLE";
}

/** Wraps `inner` (which it then owns: close() closes it) in a circuit breaker. */
export function withCircuitBreaker(inner: StateStore, options: BreakerStoreOptions = {}): BreakerStateStore {
  let probeTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const breaker = createCircuitBreaker({
    failureThreshold: options.failureThreshold,
    windowMs: options.windowMs,
    probeIntervalMs: options.probeIntervalMs,
    now: options.now,
    onTransition(transition) {
      if (transition.from === "closed" && transition.to === "open") {
        options.onOpen?.(transition);
        scheduleProbe();
      } else if (transition.to === "closed") options.onClose?.(transition);
    },
  });

  function scheduleProbe(): void {
    const delay = breaker.msUntilProbe();
    if (closed || delay === null || probeTimer !== null) return;
    probeTimer = setTimeout(() => {
      probeTimer = null;
      void runProbe();
    }, delay);
    probeTimer.unref();
  }

  async function runProbe(): Promise<void> {
    if (closed || !breaker.tryStartProbe()) {
      scheduleProbe();
      return;
    }
    let answered: boolean;
    try {
      // Bounded by the inner store's own command timeout.
      await inner.ping();
      answered = true;
    } catch (err) {
      answered = !isOutage(err);
    }
    breaker.finishProbe(answered);
    scheduleProbe();
  }

  async function guard<T>(call: () => Promise<T>): Promise<T> {
    // After close() the inner store rejects every call itself; nothing left to judge.
    if (closed) return call();
    if (!breaker.allowsCalls()) {
      throw new AppError(
        "STORE_UNAVAILABLE",
        "The shared state store is unreachable (circuit breaker open).",
      );
    }
    try {
      const result = await call();
      breaker.recordSuccess();
      return result;
    } catch (err) {
      if (isOutage(err)) breaker.recordFailure();
      else breaker.recordSuccess();
      throw err;
    }
  }

  const guardLease = (lease: Lease): Lease => ({
    name: lease.name,
    token: lease.token,
    renew: (ttlMs) => guard(() => lease.renew(ttlMs)),
    release: () => guard(() => lease.release()),
  });

  return {
    kind: inner.kind,
    breaker: { snapshot: () => breaker.snapshot() },
    get: (key) => guard(() => inner.get(key)),
    getAndTouch: (key, ttlMs) => guard(() => inner.getAndTouch(key, ttlMs)),
    set: (key, value, opts) => guard(() => inner.set(key, value, opts)),
    del: (...keys) => guard(() => inner.del(...keys)),
    compareAndSet: (key, expected, value, opts) =>
      guard(() => inner.compareAndSet(key, expected, value, opts)),
    incr: (key, by, ttlMs) => guard(() => inner.incr(key, by, ttlMs)),
    hitSlidingWindow: (key, limit, windowMs) => guard(() => inner.hitSlidingWindow(key, limit, windowMs)),
    checkQuota: (counters) => guard(() => inner.checkQuota(counters)),
    chargeCounters: (amounts) => guard(() => inner.chargeCounters(amounts)),
    raiseCounters: (amounts) => guard(() => inner.raiseCounters(amounts)),
    acquireSlot: (key, limit, leaseMs) => guard(() => inner.acquireSlot(key, limit, leaseMs)),
    releaseSlot: (key, slotId) => guard(() => inner.releaseSlot(key, slotId)),
    countSlots: (key) => guard(() => inner.countSlots(key)),
    acquireLock: async (name, ttlMs) => {
      const lease = await guard(() => inner.acquireLock(name, ttlMs));
      return lease === null ? null : guardLease(lease);
    },
    publish: (channel, message) => guard(() => inner.publish(channel, message)),
    subscribe: (channel, handler, opts) => inner.subscribe(channel, handler, opts),
    ping: () => guard(() => inner.ping()),
    usage: () => guard(() => inner.usage()),
    async close() {
      closed = true;
      if (probeTimer !== null) clearTimeout(probeTimer);
      probeTimer = null;
      await inner.close();
    },
  };
}
