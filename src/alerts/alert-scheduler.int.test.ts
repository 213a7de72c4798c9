import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/contracts/actor";
import type { GroupWindow, ProviderSignal } from "@/core/alerts/types";
import type { Database } from "@/db/client";
import { alertDeliveries } from "@/db/schema";
import { createLogger } from "@/observability/logger";
import { createSecretBox, type SecretBox } from "@/security/secret-box";
import { createGroupService } from "@/services/group-service";
import { createServiceContext } from "@/services/service-context";
import { createMemoryStore, type MemoryStateStore } from "@/store/memory-store";
import { DATABASE_KINDS, openTestDatabase, type TestDatabaseKind } from "@/testing/test-database";
import { createAlertScheduler, type AlertScheduler } from "./alert-scheduler";
import { createAlertService, type AlertService } from "./alert-service";
import {
  startDingTalkReceiver,
  startFeishuReceiver,
  startSmtpSink,
  startWebhookReceiver,
  type HttpReceiver,
  type SmtpSink,
} from "@/testing/alert-test-receivers";
import { loopbackOutboundPolicy } from "../testing/loopback-outbound";

const ADMIN: Actor = { id: null, name: "alert-test", role: "admin", via: "token" };
const BY = { actor: ADMIN, ip: null };
const logger = createLogger("silent");
const TICK = 15_000;
const DELIVERY = { maxAttempts: 3, baseDelayMs: 10_000, maxDelayMs: 60_000, timeoutMs: 5_000 };

/** Signals the test sets by hand, like the lead's wiring would read them from health and rollups. */
function createFakeSignals() {
  const state = {
    providers: [] as ProviderSignal[],
    window: { requests: 0, successes: 0, p95LatencyMs: null } as GroupWindow,
    down: false,
    dropped: 0,
    failDown: false,
  };
  return {
    state,
    signals: {
      providerStates: () => state.providers,
      groupWindow: async () => state.window,
      groupProvidersDown: () => {
        if (state.failDown) throw new Error("health registry unavailable");
        return state.down;
      },
      droppedLogRows: () => state.dropped,
      quotaUsage: () => null,
    },
  };
}

interface Setup {
  database: Database;
  store: MemoryStateStore;
  secretBox: SecretBox;
  alerts: AlertService;
  clock: { now: () => number; advance(ms: number): void };
  groupId: string;
  fake: ReturnType<typeof createFakeSignals>;
  scheduler(): AlertScheduler;
  close(): Promise<void>;
}

async function setUp(kind: TestDatabaseKind): Promise<Setup> {
  const database = await openTestDatabase(kind);
  const store = createMemoryStore();
  const secretBox = createSecretBox({ keys: [{ id: "t", key: randomBytes(32) }], activeKeyId: "t" });
  // Starts at real time: the robot receivers refuse signatures more than an hour off, as the services do.
  let t = Date.now();
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const deps = {
    db: database.db,
    store,
    sealer: secretBox,
    logger,
    now: clock.now,
    outbound: loopbackOutboundPolicy(),
  };
  const group = await createGroupService(createServiceContext(deps)).create(BY, {
    slug: `g-${randomBytes(3).toString("hex")}`,
    name: "Main group",
  });
  const alerts = createAlertService({ ...deps, delivery: DELIVERY });
  const fake = createFakeSignals();
  const schedulers: AlertScheduler[] = [];
  return {
    database,
    store,
    secretBox,
    alerts,
    clock,
    groupId: group.id,
    fake,
    scheduler() {
      const scheduler = createAlertScheduler({
        ...deps,
        signals: fake.signals,
        intervalMs: TICK,
        delivery: DELIVERY,
      });
      schedulers.push(scheduler);
      return scheduler;
    },
    async close() {
      for (const s of schedulers) await s.stop();
      await store.close();
      await database.close();
    },
  };
}

const events = (receiver: HttpReceiver) =>
  receiver.accepted().map((r) => (r.body.alert as { event: string }).event);

describe.each(DATABASE_KINDS)("alert scheduler on %s", (kind) => {
  let s: Setup;
  let webhook: HttpReceiver;
  let dingtalk: HttpReceiver;
  let feishu: HttpReceiver;
  let smtp: SmtpSink;

  beforeAll(async () => {
    s = await setUp(kind);
    webhook = await startWebhookReceiver({ secret: "whsec-primary-0123", now: s.clock.now });
    dingtalk = await startDingTalkReceiver({
      secret: "SECdingtalk0123456789",
      accessToken: "tok123",
      now: s.clock.now,
    });
    feishu = await startFeishuReceiver({
      secret: "feishu-secret-0123",
      hookId: "hook-abc-123",
      now: s.clock.now,
    });
    smtp = await startSmtpSink({ username: "alerts", password: "smtp-pass-0123" });
  });
  afterAll(async () => {
    await Promise.all([webhook?.close(), dingtalk?.close(), feishu?.close(), smtp?.close()]);
    await s?.close();
  });

  it("fires once into every channel type, however many ticks see the problem, then resolves once", async () => {
    const channels = await Promise.all([
      s.alerts.channels.create(BY, {
        name: "hook",
        config: { type: "webhook", url: webhook.url, secret: "whsec-primary-0123" },
      }),
      s.alerts.channels.create(BY, {
        name: "mail",
        config: {
          type: "email",
          host: "127.0.0.1",
          port: smtp.port,
          security: "none",
          username: "alerts",
          password: "smtp-pass-0123",
          from: "roundabout@example.test",
          to: ["oncall@example.test", "lead@example.test"],
        },
      }),
      s.alerts.channels.create(BY, {
        name: "ding",
        config: { type: "dingtalk", url: dingtalk.url, secret: "SECdingtalk0123456789" },
      }),
      s.alerts.channels.create(BY, {
        name: "lark",
        config: { type: "feishu", url: feishu.url, secret: "feishu-secret-0123" },
      }),
    ]);
    const rule = await s.alerts.rules.create(BY, {
      name: "main success rate",
      severity: "critical",
      condition: {
        type: "group_success_rate",
        groupId: s.groupId,
        minSuccessRatePercent: 90,
        minRequests: 10,
      },
      cooldownMs: 600_000,
      channelIds: channels.map((c) => c.id),
    });
    const scheduler = s.scheduler();

    s.fake.state.window = { requests: 120, successes: 30, p95LatencyMs: 800 };
    const first = await scheduler.evaluateOnce();
    expect(first).toMatchObject({ evaluated: true, deliveriesQueued: 4, deliveriesAttempted: 4 });
    expect(first.notifications.map((n) => n.kind)).toEqual(["firing"]);
    for (let i = 0; i < 6; i++) {
      s.clock.advance(TICK);
      const report = await scheduler.evaluateOnce();
      expect(report).toMatchObject({ evaluated: true, notifications: [], deliveriesAttempted: 0 });
    }
    expect(events(webhook)).toEqual(["firing"]);
    expect(dingtalk.accepted()).toHaveLength(1);
    expect(feishu.accepted()).toHaveLength(1);
    expect(smtp.mails.map((m) => m.event)).toEqual(["firing"]);
    // Nothing was refused: every request carried a valid signature.
    expect([...webhook.received, ...dingtalk.received, ...feishu.received].every((r) => r.verified)).toBe(
      true,
    );

    const alert = webhook.received[0]!.body.alert as Record<string, unknown>;
    expect(alert).toMatchObject({
      event: "firing",
      rule: { id: rule.id, name: "main success rate", type: "group_success_rate", severity: "critical" },
      subject: { key: `group:${s.groupId}`, name: "Main group" },
      value: 25,
      threshold: 90,
    });
    expect(String(alert.summary)).toContain("25.0% is below 90%");
    expect(webhook.received[0]!.headers["x-roundabout-delivery"]).toMatch(/^\d+$/);
    expect(smtp.mails[0]).toMatchObject({
      user: "alerts",
      from: "roundabout@example.test",
      to: ["oncall@example.test", "lead@example.test"],
    });
    expect(smtp.mails[0]!.subject).toBe("[Roundabout] [FIRING] main success rate: Main group");
    expect((feishu.received[0]!.body as { msg_type: string }).msg_type).toBe("interactive");

    s.fake.state.window = { requests: 120, successes: 119, p95LatencyMs: 300 };
    s.clock.advance(TICK);
    const resolved = await scheduler.evaluateOnce();
    expect(resolved.notifications.map((n) => n.kind)).toEqual(["resolved"]);
    for (let i = 0; i < 4; i++) {
      s.clock.advance(TICK);
      expect((await scheduler.evaluateOnce()).notifications).toEqual([]);
    }
    expect(events(webhook)).toEqual(["firing", "resolved"]);
    expect(dingtalk.accepted()).toHaveLength(2);
    expect(feishu.accepted()).toHaveLength(2);
    expect(smtp.mails.map((m) => m.event)).toEqual(["firing", "resolved"]);
    expect(smtp.mails[1]!.subject).toContain("[RESOLVED]");

    const history = await s.alerts.history.list({});
    expect(history.items).toHaveLength(1);
    const [incident] = history.items;
    expect(incident).toMatchObject({
      ruleId: rule.id,
      status: "resolved",
      resolveReason: "condition_cleared",
    });
    expect(incident!.deliveries).toHaveLength(8);
    expect(incident!.deliveries.every((d) => d.status === "delivered" && d.attempts === 1)).toBe(true);
    expect(incident!.deliveries.map((d) => d.event).sort()).toEqual([
      ...Array<string>(4).fill("firing"),
      ...Array<string>(4).fill("resolved"),
    ]);
  });
});

describe("alert scheduler: retries, failures and leadership (pglite)", () => {
  let s: Setup;
  const receivers: HttpReceiver[] = [];

  beforeAll(async () => {
    s = await setUp("pglite");
  });
  afterEach(async () => {
    s.fake.state.down = false;
    s.fake.state.failDown = false;
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await s?.close();
  });

  async function webhookChannel(name: string, failFirst: number) {
    const receiver = await startWebhookReceiver({ secret: `sec-${name}-0123`, now: s.clock.now, failFirst });
    receivers.push(receiver);
    const channel = await s.alerts.channels.create(BY, {
      name,
      config: { type: "webhook", url: receiver.url, secret: `sec-${name}-0123` },
    });
    return { receiver, channel };
  }

  it("retries a failing receiver with growing backoff, records every attempt, and gives up when bounded", async () => {
    const flaky = await webhookChannel("flaky", 2);
    const dead = await webhookChannel("dead", -1);
    await s.alerts.rules.create(BY, {
      name: "all down",
      condition: { type: "group_all_down", groupId: s.groupId },
      channelIds: [flaky.channel.id, dead.channel.id],
    });
    const scheduler = s.scheduler();
    s.fake.state.down = true;
    expect((await scheduler.evaluateOnce()).deliveriesAttempted).toBe(2);
    const hits = () => [flaky.receiver.received.length, dead.receiver.received.length];
    expect(hits()).toEqual([1, 1]);

    const [pending] = await s.database.db
      .select()
      .from(alertDeliveries)
      .where(eq(alertDeliveries.channelId, flaky.channel.id));
    expect(pending).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
    expect(pending!.nextAttemptAt!.getTime()).toBe(s.clock.now() + 10_000);
    expect(pending!.lastError).toContain("HTTP 500");

    s.clock.advance(5_000); // before the first backoff ends: no attempt
    await scheduler.evaluateOnce();
    expect(hits()).toEqual([1, 1]);
    s.clock.advance(5_000); // 10 s: second attempt
    await scheduler.evaluateOnce();
    expect(hits()).toEqual([2, 2]);
    s.clock.advance(15_000); // the second backoff is 20 s
    await scheduler.evaluateOnce();
    expect(hits()).toEqual([2, 2]);
    s.clock.advance(5_000);
    await scheduler.evaluateOnce();
    expect(hits()).toEqual([3, 3]);
    for (let i = 0; i < 5; i++) {
      s.clock.advance(60_000);
      await scheduler.evaluateOnce();
    }
    // Bounded: three attempts each, never more.
    expect(hits()).toEqual([3, 3]);

    const [incident] = (await s.alerts.history.list({ status: "firing" })).items;
    const byChannel = new Map(incident!.deliveries.map((d) => [d.channelName, d]));
    expect(byChannel.get("flaky")).toMatchObject({ status: "delivered", attempts: 3, lastError: null });
    expect(byChannel.get("flaky")!.attemptLog.map((a) => [a.ok, a.statusCode])).toEqual([
      [false, 500],
      [false, 500],
      [true, 200],
    ]);
    expect(byChannel.get("dead")).toMatchObject({
      status: "failed",
      attempts: 3,
      maxAttempts: 3,
      nextAttemptAt: null,
      lastStatusCode: 500,
    });
    expect(byChannel.get("dead")!.attemptLog.every((a) => !a.ok && a.durationMs >= 0)).toBe(true);
    await scheduler.stop();
  });

  it("lets only one of two schedulers on the same store evaluate per tick, and hands over on stop", async () => {
    const { receiver, channel } = await webhookChannel("duo", 0);
    const rule = await s.alerts.rules.create(BY, {
      name: "drops",
      condition: { type: "log_rows_dropped", windowMs: 60_000, minDropped: 1 },
      channelIds: [channel.id],
    });
    const a = s.scheduler();
    const b = s.scheduler();
    s.fake.state.dropped = 3;
    const leaders: string[] = [];
    for (let i = 0; i < 5; i++) {
      s.clock.advance(TICK);
      const [ra, rb] = await Promise.all([a.evaluateOnce(), b.evaluateOnce()]);
      expect([ra.evaluated, rb.evaluated].filter(Boolean)).toHaveLength(1);
      leaders.push(ra.evaluated ? "a" : "b");
    }
    // The lease is kept between ticks: the same instance leads throughout.
    expect(new Set(leaders).size).toBe(1);
    expect(receiver.accepted()).toHaveLength(1);

    const [leader, follower] = leaders[0] === "a" ? [a, b] : [b, a];
    await leader.stop();
    s.clock.advance(TICK);
    expect((await follower.evaluateOnce()).evaluated).toBe(true);
    // The follower continues from the stored state: no second firing notice.
    expect(receiver.accepted()).toHaveLength(1);
    s.fake.state.dropped = 0;
    s.clock.advance(TICK);
    await follower.evaluateOnce();
    expect(events(receiver)).toEqual(["firing", "resolved"]);
    await s.alerts.rules.remove(BY, rule.id);
    await follower.stop();
  });

  it("holds open incidents while a signal fails, and closes them silently when their rule is deleted", async () => {
    const { receiver, channel } = await webhookChannel("holder", 0);
    const rule = await s.alerts.rules.create(BY, {
      name: "down again",
      condition: { type: "group_all_down", groupId: s.groupId },
      channelIds: [channel.id],
    });
    const scheduler = s.scheduler();
    s.fake.state.down = true;
    await scheduler.evaluateOnce();
    expect(events(receiver)).toEqual(["firing"]);
    s.fake.state.failDown = true;
    s.fake.state.down = false;
    for (let i = 0; i < 3; i++) {
      s.clock.advance(TICK);
      expect((await scheduler.evaluateOnce()).notifications).toEqual([]);
    }
    await s.alerts.rules.remove(BY, rule.id);
    s.fake.state.failDown = false;
    s.clock.advance(TICK);
    expect((await scheduler.evaluateOnce()).notifications).toEqual([]);
    expect(events(receiver)).toEqual(["firing"]);
    const closed = (await s.alerts.history.list({})).items.find((i) => i.ruleName === "down again");
    expect(closed).toMatchObject({ ruleId: null, status: "resolved", resolveReason: "rule_deleted" });
    await scheduler.stop();
  });
});
