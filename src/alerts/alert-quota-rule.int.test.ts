import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/contracts/actor";
import { quotaWindowsAt } from "@/core/quota/calendar-window";
import { keyQuotaSubject, tenantQuotaSubject } from "@/core/quota/quota";
import type { Database } from "@/db/client";
import { apiKeys, tenants } from "@/db/schema";
import { createLogger } from "@/observability/logger";
import { createSecretBox } from "@/security/secret-box";
import { createMemoryStore, type MemoryStateStore } from "@/store/memory-store";
import { openTestDatabase } from "@/testing/test-database";
import { loopbackOutboundPolicy } from "@/testing/loopback-outbound";
import { createAlertScheduler } from "./alert-scheduler";
import { createAlertService, type AlertService } from "./alert-service";
import { readQuotaUsage } from "./quota-usage-signal";

/**
 * The "quota used ≥ N %" rule, per tenant and per key, evaluated by the scheduler from the store's
 * quota counters and the limits in the database: it fires at the threshold and resolves when usage
 * falls back (a new window). Incidents carry their rule's tenant, and stay in that tenant's history
 * after the rule is deleted.
 */

const ADMIN: Actor = { id: null, name: "alert-test", role: "admin", via: "token" };
const BY = { actor: ADMIN, ip: null };
const logger = createLogger("silent");

let database: Database;
let store: MemoryStateStore;
let alerts: AlertService;
let tenantId: string;
let keyId: string;
let t = Date.now();
const now = () => t;

beforeAll(async () => {
  database = await openTestDatabase("postgres");
  store = createMemoryStore();
  tenantId = randomUUID();
  await database.db.insert(tenants).values({
    id: tenantId,
    name: "Team Q",
    slug: `q-${randomBytes(3).toString("hex")}`,
    quota: { requestsPerDay: 10, costPerMonthUsd: 2 },
  });
  keyId = randomUUID();
  await database.db.insert(apiKeys).values({
    id: keyId,
    tenantId,
    name: "ci key",
    keyDigest: randomBytes(32).toString("hex"),
    keyPrefix: "sk-rb-",
    keyLast4: "abcd",
    quota: { tokensPerDay: 1000 },
  });
  const secretBox = createSecretBox({ keys: [{ id: "t", key: randomBytes(32) }], activeKeyId: "t" });
  alerts = createAlertService({ db: database.db, store, sealer: secretBox, logger, now }, tenantId);
});

afterAll(async () => {
  await store?.close();
  await database?.close();
});

function scheduler() {
  return createAlertScheduler({
    db: database.db,
    store,
    sealer: createSecretBox({ keys: [{ id: "t", key: randomBytes(32) }], activeKeyId: "t" }),
    logger,
    now,
    outbound: loopbackOutboundPolicy(),
    signals: {
      providerStates: () => [],
      groupWindow: () => ({ requests: 0, successes: 0, p95LatencyMs: null }),
      groupProvidersDown: () => false,
      droppedLogRows: () => 0,
      quotaUsage: (subject) => readQuotaUsage({ db: database.db, store, timeZone: "UTC", now }, subject),
    },
  });
}

describe("quota used alert rule", () => {
  it("fires per tenant and per key at the threshold and resolves when usage falls back", async () => {
    const day = quotaWindowsAt(now(), "UTC").day.id;
    const tenantRule = await alerts.rules.create(BY, {
      name: "tenant budget",
      condition: { type: "quota_used", minUsedPercent: 80 },
      cooldownMs: 0,
    });
    expect(tenantRule.condition).toEqual({ type: "quota_used", keyId: null, minUsedPercent: 80 });
    await alerts.rules.create(BY, {
      name: "key budget",
      condition: { type: "quota_used", keyId, minUsedPercent: 50 },
      cooldownMs: 0,
    });
    // A key of another tenant (or none) is refused.
    await expect(
      alerts.rules.create(BY, {
        name: "x",
        condition: { type: "quota_used", keyId: randomUUID(), minUsedPercent: 50 },
      }),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });

    const s = scheduler();
    const requests = `quota:${tenantQuotaSubject(tenantId)}:requestsPerDay:${day}`;
    const tokens = `quota:${keyQuotaSubject(keyId)}:tokensPerDay:${day}`;
    await store.set(requests, "7");
    await store.set(tokens, "400");
    expect((await s.evaluateOnce()).notifications).toEqual([]);

    await store.set(requests, "8");
    await store.set(tokens, "500");
    t += 15_000;
    const fired = (await s.evaluateOnce()).notifications;
    expect(fired.map((n) => [n.kind, n.subjectKey, n.value])).toEqual(
      expect.arrayContaining([
        ["firing", `quota:tenant:${tenantId}`, 80],
        ["firing", `quota:key:${keyId}`, 50],
      ]),
    );
    expect(fired.find((n) => n.subjectKey.startsWith("quota:tenant"))?.summary).toContain(
      'Tenant "Team Q" has used 80.0% of its requestsPerDay (8 of 10)',
    );
    t += 15_000;
    expect((await s.evaluateOnce()).notifications).toEqual([]);

    // A new day: the counters start over.
    await store.del(requests, tokens);
    t += 15_000;
    const resolved = (await s.evaluateOnce()).notifications;
    expect(resolved.map((n) => n.kind)).toEqual(["resolved", "resolved"]);
    await s.stop();

    const history = await alerts.history.list({});
    expect(history.items.map((i) => [i.ruleName, i.status])).toEqual(
      expect.arrayContaining([
        ["tenant budget", "resolved"],
        ["key budget", "resolved"],
      ]),
    );
    // The rule goes; its incidents stay in this tenant's history (not the default tenant's).
    await alerts.rules.remove(BY, tenantRule.id);
    const after = await alerts.history.list({});
    expect(after.items.filter((i) => i.ruleName === "tenant budget")).toHaveLength(1);
    const defaultTenant = createAlertService({
      db: database.db,
      store,
      sealer: createSecretBox({ keys: [{ id: "t", key: randomBytes(32) }], activeKeyId: "t" }),
      logger,
      now,
    });
    expect((await defaultTenant.history.list({})).items).toEqual([]);
  });
});
