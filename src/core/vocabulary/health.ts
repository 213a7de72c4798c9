/** A provider's health state as reported (admin API, metrics, history, alerts). */
export const HEALTH_STATES = ["healthy", "degraded", "unhealthy", "ejected"] as const;
export type HealthStateName = (typeof HEALTH_STATES)[number];

/**
 * How one upstream attempt (or a probe of a provider) counts for health: `neutral` answers (client
 * errors) count neither way, `auth_failure` is a rejected credential.
 */
export const HEALTH_OUTCOMES = ["success", "failure", "auth_failure", "neutral"] as const;
export type HealthOutcome = (typeof HEALTH_OUTCOMES)[number];
