/**
 * `npx tsx bench/micro-quota.ts`: CPU time per call of the quota step of a proxied request (the key's
 * and its tenant's quotas, every metric limited, memory store), as `enforceQuota` runs it, and its
 * pieces. CPU time after a warm-up; it prints figures only.
 */
import { loadavg } from "node:os";
import { quotaHeaders, toQuotaLimits } from "../src/core/quota/quota";
import type { GatewayRuntime } from "../src/gateway/gateway-types";
import type { SnapshotKey } from "../src/gateway/snapshot/snapshot-types";
import { enforceQuota, keyQuotaCounters } from "../src/gateway/stages/enforce-quota";
import { createMemoryStore } from "../src/store/memory-store";

const CALLS = 100_000;
const SPEC = { requestsPerDay: 1e12, tokensPerDay: 1e12, tokensPerMonth: 1e12, costPerMonthUsd: 1e9 };

async function cpuPerCall(fn: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < CALLS / 10; i++) await fn();
  const before = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / CALLS;
}

async function main(): Promise<void> {
  const store = createMemoryStore();
  const rt = { store, options: { quotaTimeZone: "UTC" } } as unknown as GatewayRuntime;
  const key = {
    id: "0b9d3f5e-1111-4222-8333-944455556666",
    tenantId: "00000000-0000-4000-8000-000000000001",
    quota: toQuotaLimits(SPEC),
    tenantQuota: toQuotaLimits(SPEC),
  } as unknown as SnapshotKey;
  const limits = { rateHeaders: null, slot: null };
  const line = (name: string, us: number) =>
    console.log(`${name.padEnd(50)} ${us.toFixed(2).padStart(8)} µs`);
  line("keyQuotaCounters (8 counters)", await cpuPerCall(() => keyQuotaCounters("UTC", key, Date.now())));
  const counters = keyQuotaCounters("UTC", key, Date.now());
  const args = counters.map((c) => ({ key: c.key, limit: c.limit, admit: 1, ttlMs: 86_400_000 }));
  line("store.checkQuota (memory, 8 counters)", await cpuPerCall(() => store.checkQuota(args)));
  const readings = counters.map((counter) => ({ counter, used: 5 }));
  line("quotaHeaders (24 headers)", await cpuPerCall(() => quotaHeaders(readings, Date.now())));
  line("enforceQuota (check, 24 headers)", await cpuPerCall(() => enforceQuota(rt, "r", key, limits)));
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  await store.close();
}

void main();
