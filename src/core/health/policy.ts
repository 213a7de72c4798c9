/**
 * Health policy: every threshold the passive health tracker and outlier ejection use, with defaults
 * modelled on Envoy's outlier detection (consecutive 5xx, failure percentage, ejection backoff, max
 * ejection percent) and nginx's slow_start.
 */
import { z } from "zod";
import { AppError } from "../errors/catalogue";

export interface HealthPolicy {
  /** Consecutive failures that make a provider an ejection candidate. */
  readonly consecutiveFailures: number;
  /** Failure share (0..1] over the window that makes a provider an ejection candidate (>= threshold). */
  readonly failureRateThreshold: number;
  /** Attempts needed in the window before the failure or success rate is judged at all. */
  readonly minimumVolume: number;
  /** Length of the sliding outcome window, ms. */
  readonly windowMs: number;
  /** Buckets the window is split into: bounded memory at any request rate; an outcome stops counting within windowMs. */
  readonly windowBuckets: number;
  /** First ejection length, ms; the n-th consecutive ejection lasts n × this. */
  readonly baseEjectionMs: number;
  /** Cap on one ejection's length, ms. */
  readonly maxEjectionMs: number;
  /** Every full period of this many ms back in service lowers the ejection multiplier by one. */
  readonly ejectionDecayMs: number;
  /** Largest share (0..1] of a group's members that may be out of service at once; floor(n × share). */
  readonly maxEjectionShare: number;
  /** A trial that reports nothing for this long is presumed lost and a new trial may start, ms. */
  readonly trialTimeoutMs: number;
  /** Slow-start ramp length after a provider returns to service, ms (0 = no ramp). */
  readonly slowStartMs: number;
  /** Weight factor (0..1] at the start of the ramp (and for a trial candidate). */
  readonly slowStartFloor: number;
  /** After an upstream 401/403, the provider is skipped this long before one trial, ms. */
  readonly authCooldownMs: number;
  /** Weight (0..1] of the newest sample in the latency EWMA. */
  readonly latencyEwmaAlpha: number;
  /** Success rate below which (with minimum volume) a provider starts to become `degraded`. */
  readonly degradedSuccessRate: number;
  /** A provider `degraded` by success rate recovers at or above this (>= degradedSuccessRate). */
  readonly degradedSuccessRateExit: number;
  /** Latency EWMA above this multiple of the group reference starts `degraded` (0 = off). */
  readonly degradedLatencyFactor: number;
  /** A provider `degraded` by latency recovers at or below this multiple (<= degradedLatencyFactor). */
  readonly degradedLatencyExitFactor: number;
  /** No latency EWMA at or below this is ever slow, ms; the exit line scales it by exit/enter factor. */
  readonly degradedLatencyFloorMs: number;
  /** The group reference: median of the peers' latency medians noted over this window, ms. */
  readonly latencyReferenceWindowMs: number;
  /** An entering condition must hold this long (without clearing) before `degraded` is reported, ms. */
  readonly degradedEnterMs: number;
  /** The leaving condition must hold this long without a break before `degraded` ends, ms. */
  readonly degradedExitMs: number;
}

/** Defaults; see each field's comment on HealthPolicy. */
export const DEFAULT_HEALTH_POLICY: HealthPolicy = Object.freeze({
  // Envoy's consecutive_5xx default.
  consecutiveFailures: 5,
  // Half the attempts failing is an outlier, not noise.
  failureRateThreshold: 0.5,
  // Fewer than 20 attempts in the window say too little to judge a rate.
  minimumVolume: 20,
  windowMs: 30_000,
  // 3 s buckets: the window may under-count by at most one bucket.
  windowBuckets: 10,
  // Envoy's base_ejection_time.
  baseEjectionMs: 30_000,
  // Envoy's max_ejection_time.
  maxEjectionMs: 300_000,
  // One step per minute of health: after the 5 min cap it takes 10 healthy minutes to forget.
  ejectionDecayMs: 60_000,
  // Keep at least half of a group's capacity even when most of it looks bad.
  maxEjectionShare: 0.5,
  // Comfortably above a first-byte timeout, so a slow trial is not duplicated.
  trialTimeoutMs: 60_000,
  // nginx-style slow_start.
  slowStartMs: 30_000,
  slowStartFloor: 0.1,
  // One trial a minute against a rejected credential: no retry storm on the upstream.
  authCooldownMs: 60_000,
  latencyEwmaAlpha: 0.2,
  degradedSuccessRate: 0.9,
  // Hysteresis: a provider at 90–95 % keeps its current verdict instead of flipping on every attempt.
  degradedSuccessRateExit: 0.95,
  degradedLatencyFactor: 3,
  degradedLatencyExitFactor: 2,
  // LLM first-byte latencies run from hundreds of ms to seconds: an EWMA under 250 ms is fast by any
  // client's measure, and below it a multiple of the group is noise (sub-ms loopback, GC pauses).
  degradedLatencyFloorMs: 250,
  // Same span as the outcome window: one slow peer moment does not move the reference.
  latencyReferenceWindowMs: 30_000,
  // Long enough that a single slow answer (which moves the EWMA for a few samples) is not reported,
  // short enough that a provider that turned slow is reported within seconds of traffic.
  degradedEnterMs: 3_000,
  // Recovery is believed only after 10 s of fast answers: at most one round trip per ~13 s.
  degradedExitMs: 10_000,
});

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const share = z.number().gt(0).lte(1);

/** Schema of a partial policy (e.g. from config); unknown fields are rejected. */
export const healthPolicyOverridesSchema = z.strictObject({
  consecutiveFailures: positiveInt.optional(),
  failureRateThreshold: share.optional(),
  minimumVolume: positiveInt.optional(),
  windowMs: positiveInt.optional(),
  windowBuckets: positiveInt.max(1000).optional(),
  baseEjectionMs: positiveInt.optional(),
  maxEjectionMs: positiveInt.optional(),
  ejectionDecayMs: positiveInt.optional(),
  maxEjectionShare: z.number().gte(0).lte(1).optional(),
  trialTimeoutMs: positiveInt.optional(),
  slowStartMs: nonNegativeInt.optional(),
  slowStartFloor: share.optional(),
  authCooldownMs: positiveInt.optional(),
  latencyEwmaAlpha: share.optional(),
  degradedSuccessRate: z.number().gte(0).lte(1).optional(),
  degradedSuccessRateExit: z.number().gte(0).lte(1).optional(),
  degradedLatencyFactor: z.number().nonnegative().optional(),
  degradedLatencyExitFactor: z.number().positive().optional(),
  degradedLatencyFloorMs: z.number().nonnegative().optional(),
  latencyReferenceWindowMs: positiveInt.optional(),
  degradedEnterMs: nonNegativeInt.optional(),
  degradedExitMs: nonNegativeInt.optional(),
});

export type HealthPolicyOverrides = z.infer<typeof healthPolicyOverridesSchema>;

/** Merges overrides onto the defaults, validating each field and their relations. */
export function resolveHealthPolicy(overrides: unknown = {}): HealthPolicy {
  const parsed = healthPolicyOverridesSchema.safeParse(overrides ?? {});
  if (!parsed.success) {
    throw new AppError("VALIDATION_FAILED", "The health policy is invalid.", parsed.error.issues);
  }
  const defined = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
  const policy: HealthPolicy = Object.freeze({ ...DEFAULT_HEALTH_POLICY, ...defined });
  if (policy.maxEjectionMs < policy.baseEjectionMs) {
    throw new AppError("VALIDATION_FAILED", "maxEjectionMs must be at least baseEjectionMs.", [
      { path: ["maxEjectionMs"], message: "below baseEjectionMs" },
    ]);
  }
  if (policy.windowBuckets > policy.windowMs) {
    throw new AppError("VALIDATION_FAILED", "windowBuckets cannot exceed windowMs.", [
      { path: ["windowBuckets"], message: "more buckets than ms in the window" },
    ]);
  }
  if (policy.degradedSuccessRateExit < policy.degradedSuccessRate) {
    throw new AppError("VALIDATION_FAILED", "degradedSuccessRateExit must be at least degradedSuccessRate.", [
      { path: ["degradedSuccessRateExit"], message: "below degradedSuccessRate" },
    ]);
  }
  if (policy.degradedLatencyFactor > 0 && policy.degradedLatencyExitFactor > policy.degradedLatencyFactor) {
    throw new AppError(
      "VALIDATION_FAILED",
      "degradedLatencyExitFactor must not exceed degradedLatencyFactor.",
      [{ path: ["degradedLatencyExitFactor"], message: "above degradedLatencyFactor" }],
    );
  }
  return policy;
}
