/**
 * The request path's wall clock. Once the console is prepared, Next.js replaces the global `Date`
 * (and `Date.now`) with wrappers that report every clock read to its prerender tracking
 * (next/dist/server/node-environment-extensions/date.js): an AsyncLocalStorage lookup per call,
 * ~5 µs per `new Date()` under load. These references are taken when the gateway's modules load,
 * before Next is prepared, so proxied requests read the clock natively.
 */
const NativeDate: DateConstructor = Date;
const nativeNow: () => number = Date.now;

/** Milliseconds since the epoch (Date.now without Next's wrapper). */
export function epochMs(): number {
  return nativeNow();
}

/** A Date of `ms` (or of now), built by the native constructor. */
export function dateOf(ms: number = nativeNow()): Date {
  return new NativeDate(ms);
}
