/**
 * `npx tsx bench/micro-hot-path.ts`: CPU time per call of small pieces of a proxied request's work,
 * each in a tight loop after a warm-up (the figures in the README's "Cuts" table). CPU time, not wall
 * time, so a busy machine skews it less; it prints figures only.
 */
import { loadavg } from "node:os";
import type { NewRequestLogRow } from "../src/db/schema/request-logs";
import {
  clientAddressOfRequest,
  resolveClientAddress,
  TRUST_PROXY_OFF,
} from "../src/core/net/client-address";
import { createMetrics } from "../src/observability/metrics";
import { digestGatewayKey } from "../src/security/gateway-key";
import { createPriceBook } from "../src/core/cost/price-book";
import type { GatewayRuntime } from "../src/gateway/gateway-types";
import type { SnapshotKey } from "../src/gateway/snapshot/snapshot-types";
import { enforceQuota } from "../src/gateway/stages/enforce-quota";
import { tokenUsageOf, usageCostMicros } from "../src/gateway/usage/usage-cost";

const CALLS = 200_000;

/** CPU µs per call of `fn` over CALLS calls, after CALLS / 10 warm-up calls. */
function cpuPerCall(fn: (i: number) => void): number {
  for (let i = 0; i < CALLS / 10; i++) fn(i);
  const before = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) fn(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / CALLS;
}

function printLine(name: string, us: number): void {
  console.log(`${name.padEnd(62)} ${us.toFixed(3).padStart(8)} µs`);
}

const metrics = createMetrics({});
const row = {
  groupId: "g1",
  groupSlug: "main",
  providerId: "p1",
  status: 200,
  totalMs: 3,
  ttfbMs: 2,
  errorCode: null,
  attempts: [{ providerId: "p1", provider: "prov", outcome: "success" }],
} as unknown as NewRequestLogRow;

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
for (const peer of ["127.0.0.1", "::ffff:127.0.0.1", "::1"]) {
  printLine(
    `client address, parsed every time (peer ${peer})`,
    cpuPerCall(() => resolveClientAddress({ peer }, TRUST_PROXY_OFF)),
  );
  const socket = { remoteAddress: peer };
  printLine(
    `client address, remembered per socket (peer ${peer})`,
    cpuPerCall(() => clientAddressOfRequest({ socket, headers: {} }, TRUST_PROXY_OFF)),
  );
}
printLine(
  "metrics: observe one request (4 labelled observations)",
  cpuPerCall(() => metrics.observeRequest(row)),
);
const key = `rb-${"a".repeat(40)}`;
printLine(
  "gateway key digest (sha256)",
  cpuPerCall(() => digestGatewayKey(key)),
);

// Issue 14's work on a request whose key and tenant have no quota: the price lookup and cost of the
// response, and the quota step's early return (the store is never asked).
const book = createPriceBook(
  Array.from({ length: 200 }, (_, i) => ({
    model: i % 10 === 0 ? `family-${i}-*` : `model-${i}`,
    inputPerMTokMicros: 3_000_000,
    outputPerMTokMicros: 15_000_000,
    cacheReadPerMTokMicros: 300_000,
    cacheWritePerMTokMicros: 3_750_000,
  })),
);
const usage = { inputTokens: 1_200, outputTokens: 340, cacheReadTokens: 800 };
printLine(
  "cost of a response (200 prices, memoized lookup)",
  cpuPerCall(() => usageCostMicros(book, "model-42", tokenUsageOf(usage))),
);
const noQuotaKey = { id: "k", tenantId: "t", quota: null, tenantQuota: null } as unknown as SnapshotKey;
const noLimits = { rateHeaders: null, slot: null };
printLine(
  "quota step of a key and tenant without quotas",
  cpuPerCall(() => void enforceQuota({} as GatewayRuntime, "r", noQuotaKey, noLimits)),
);
