/**
 * Test helpers for the health module: a registry on a fake clock that records every transition.
 * Imported by tests only.
 */
import type { MemberHealth } from "@/core/health/group-health";
import {
  createHealthRegistry,
  type HealthRegistry,
  type HealthTransition,
} from "@/core/health/health-registry";
import type { HealthPolicyOverrides } from "@/core/health/policy";

/** A bucket-aligned start time, so window arithmetic in tests is easy to follow. */
export const T0 = 1_200_000;

export interface RegistryHarness {
  readonly registry: HealthRegistry;
  readonly events: HealthTransition[];
  now(): number;
  advance(ms: number): void;
  fail(providerId: string, count?: number, status?: number): void;
  succeed(providerId: string, count?: number, latencyMs?: number): void;
  member(memberIds: readonly string[], providerId: string): MemberHealth;
}

/** Creates a registry with `policy` overrides on a fake clock starting at T0. */
export function createRegistryHarness(policy?: HealthPolicyOverrides): RegistryHarness {
  let t = T0;
  const registry = createHealthRegistry({ policy, now: () => t });
  const events: HealthTransition[] = [];
  registry.onTransition((event) => events.push(event));
  return {
    registry,
    events,
    now: () => t,
    advance(ms) {
      t += ms;
    },
    fail(providerId, count = 1, status = 503) {
      for (let i = 0; i < count; i++) registry.record(providerId, { health: "failure", status });
    },
    succeed(providerId, count = 1, latencyMs) {
      for (let i = 0; i < count; i++) registry.record(providerId, { health: "success", latencyMs });
    },
    member(memberIds, providerId) {
      const found = registry.evaluateGroup(memberIds).members.find((entry) => entry.id === providerId);
      if (found === undefined) throw new Error(`${providerId} is not in the evaluated group`);
      return found;
    },
  };
}
