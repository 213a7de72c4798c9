import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createAlertScheduler } from "@/alerts/alert-scheduler";
import {
  startDingTalkReceiver,
  startFeishuReceiver,
  startWebhookReceiver,
  type HttpReceiver,
} from "@/testing/alert-test-receivers";
import {
  alertChannelSchema,
  alertDeliverySchema,
  alertHistoryPageSchema,
  alertRuleSchema,
} from "@/contracts/alerts";
import { auditPageSchema } from "@/contracts/audit";
import { groupSchema } from "@/contracts/groups";
import { providerSchema, type Provider } from "@/contracts/providers";
import { alertChannels } from "@/db/schema";
import { createLogger } from "@/observability/logger";
import { startAdminTestServer, type AdminTestServer } from "@/testing/admin-api-test-server";
import { loopbackOutboundPolicy } from "../../testing/loopback-outbound";

const issuesOf = (details: unknown) =>
  z.object({ issues: z.array(z.object({ path: z.string(), message: z.string() })) }).parse(details).issues;
const channelList = z.object({ items: z.array(alertChannelSchema) });
const ruleList = z.object({ items: z.array(alertRuleSchema) });

const HOOK_SECRET = "whsec-route-test-0123456789";
const DING_SECRET = "SECding-route-0123456789";
const DING_TOKEN = "dingaccesstoken0123456789";
const FEISHU_SECRET = "feishu-route-0123456789";
const FEISHU_HOOK = "feishu-hook-0123456789";

describe("alert admin routes (pglite)", () => {
  let t: AdminTestServer;
  let webhook: HttpReceiver;
  let ding: HttpReceiver;
  let feishu: HttpReceiver;
  let groupId: string;

  beforeAll(async () => {
    t = await startAdminTestServer("pglite", { services: { alerting: { delivery: { timeoutMs: 5_000 } } } });
    webhook = await startWebhookReceiver({ secret: HOOK_SECRET, now: Date.now });
    ding = await startDingTalkReceiver({ secret: DING_SECRET, accessToken: DING_TOKEN, now: Date.now });
    feishu = await startFeishuReceiver({ secret: FEISHU_SECRET, hookId: FEISHU_HOOK, now: Date.now });
    const group = await t.call("POST", "/groups", {
      json: { slug: `g-${randomBytes(3).toString("hex")}`, name: "G" },
    });
    expect(group.status).toBe(201);
    groupId = group.as(groupSchema).id;
  });
  afterAll(async () => {
    await Promise.all([webhook?.close(), ding?.close(), feishu?.close()]);
    await t?.close();
  });

  async function createChannel(name: string, config: Record<string, unknown>) {
    const res = await t.call("POST", "/alerts/channels", { json: { name, config } });
    expect(res.status).toBe(201);
    return res.as(alertChannelSchema);
  }

  it("stores channel secrets sealed, never answers them, and audits and announces every write", async () => {
    const eventsBefore = t.events.length;
    const created = await createChannel("ops hook", {
      type: "webhook",
      url: webhook.url,
      secret: HOOK_SECRET,
    });
    expect(created.config).toEqual({
      type: "webhook",
      urlMasked: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/••••/),
      hasSecret: true,
    });
    const ding1 = await createChannel("ding", { type: "dingtalk", url: ding.url, secret: DING_SECRET });
    expect(ding1.config).toMatchObject({ type: "dingtalk", hasSecret: true });

    const texts: string[] = [];
    for (const as of ["admin", "viewer"] as const) {
      const list = await t.call("GET", "/alerts/channels", { as });
      expect(list.status).toBe(200);
      expect(list.as(channelList).items.map((c) => c.name)).toEqual(["ding", "ops hook"]);
      texts.push(list.text, (await t.call("GET", `/alerts/channels/${created.id}`, { as })).text);
    }
    texts.push((await t.call("GET", "/audit?entityType=alert_channel")).text);
    for (const text of texts) {
      for (const secret of [HOOK_SECRET, DING_SECRET, DING_TOKEN, webhook.url])
        expect(text).not.toContain(secret);
    }
    const [row] = await t.database.db.select().from(alertChannels).where(eq(alertChannels.id, created.id));
    expect(row!.secretsCipher).not.toContain(HOOK_SECRET);
    expect(JSON.parse(t.secretBox.open(row!.secretsCipher, created.id))).toEqual({
      url: webhook.url,
      secret: HOOK_SECRET,
    });
    // Bound to its row: the same ciphertext does not open under another id.
    expect(() => t.secretBox.open(row!.secretsCipher, ding1.id)).toThrow();

    const events = await t.waitForEvents(eventsBefore + 2);
    expect(events.slice(eventsBefore).map((e) => [e.kind, e.id])).toEqual([
      ["alert_channel", created.id],
      ["alert_channel", ding1.id],
    ]);
    const audit = (await t.call("GET", "/audit?entityType=alert_channel")).as(auditPageSchema);
    expect(audit.items.map((a) => a.action)).toEqual(["alert_channel.create", "alert_channel.create"]);
  });

  it("updates channels partially: absent secrets are kept, null clears, a value replaces; the type is fixed", async () => {
    const channel = await createChannel("lark", {
      type: "feishu",
      url: feishu.url,
      secret: "wrong-secret-000",
    });
    const renamed = await t.call("PUT", `/alerts/channels/${channel.id}`, { json: { name: "lark bot" } });
    expect(renamed.as(alertChannelSchema).config).toMatchObject({
      hasSecret: true,
      messageType: "interactive",
    });

    const failed = await t.call("POST", `/alerts/channels/${channel.id}/test`);
    expect(failed.status).toBe(200);
    expect(failed.as(alertDeliverySchema)).toMatchObject({ event: "test", status: "failed", attempts: 1 });
    expect(failed.as(alertDeliverySchema).lastError).toContain("19021");

    const fixed = await t.call("PUT", `/alerts/channels/${channel.id}`, {
      json: { config: { type: "feishu", secret: FEISHU_SECRET, messageType: "text" } },
    });
    expect(fixed.status).toBe(200);
    const audit = (await t.call("GET", `/audit?entityType=alert_channel&entityId=${channel.id}`)).as(
      auditPageSchema,
    );
    expect(audit.items[0]?.changes).toMatchObject({ secretsReplaced: ["secret"] });
    expect(JSON.stringify(audit.items)).not.toContain(FEISHU_SECRET);

    const ok = (await t.call("POST", `/alerts/channels/${channel.id}/test`)).as(alertDeliverySchema);
    expect(ok).toMatchObject({ status: "delivered", attempts: 1, lastError: null, channelName: "lark bot" });
    const last = feishu.received[feishu.received.length - 1]!;
    expect(last.verified).toBe(true);
    expect(last.body).toMatchObject({ msg_type: "text" });

    const cleared = await t.call("PUT", `/alerts/channels/${channel.id}`, {
      json: { config: { type: "feishu", secret: null } },
    });
    expect(cleared.as(alertChannelSchema).config).toMatchObject({ hasSecret: false, messageType: "text" });

    const retype = await t.call("PUT", `/alerts/channels/${channel.id}`, {
      json: { config: { type: "webhook", url: webhook.url } },
    });
    expect(issuesOf(retype.error(400, "VALIDATION_FAILED").details).map((i) => i.path)).toEqual([
      "config.type",
    ]);
    (await t.call("PUT", `/alerts/channels/${channel.id}`, { json: { name: "ops hook" } })).error(
      409,
      "ALERT_CHANNEL_NAME_TAKEN",
    );
  });

  it("sends signed test notices and records failures without leaking the robot's token", async () => {
    const hook = await createChannel("test hook", { type: "webhook", url: webhook.url, secret: HOOK_SECRET });
    const sent = (await t.call("POST", `/alerts/channels/${hook.id}/test`)).as(alertDeliverySchema);
    expect(sent).toMatchObject({
      status: "delivered",
      lastStatusCode: 200,
      channelId: hook.id,
      incidentId: null,
    });
    const received = webhook.received[webhook.received.length - 1]!;
    expect(received.verified).toBe(true);
    expect(received.headers["x-roundabout-event"]).toBe("test");
    expect(received.headers["x-roundabout-delivery"]).toBe(String(sent.id));

    const badDing = await createChannel("bad ding", {
      type: "dingtalk",
      url: ding.url,
      secret: "SECnot-the-right-one",
    });
    const refused = (await t.call("POST", `/alerts/channels/${badDing.id}/test`)).as(alertDeliverySchema);
    expect(refused).toMatchObject({ status: "failed", lastStatusCode: 200 });
    expect(refused.lastError).toContain("310000");
    const deadHook = await createChannel("dead hook", {
      type: "webhook",
      url: "http://127.0.0.1:9/none",
      secret: null,
    });
    const unreachable = (await t.call("POST", `/alerts/channels/${deadHook.id}/test`)).as(
      alertDeliverySchema,
    );
    expect(unreachable).toMatchObject({ status: "failed", lastStatusCode: null, attempts: 1 });
    for (const text of [JSON.stringify(refused), JSON.stringify(unreachable)]) {
      expect(text).not.toContain(DING_TOKEN);
      expect(text).not.toContain("SECnot-the-right-one");
    }
    const audit = (await t.call("GET", `/audit?entityType=alert_channel&entityId=${badDing.id}`)).as(
      auditPageSchema,
    );
    expect(audit.items[0]).toMatchObject({ action: "alert_channel.test" });
  });

  it("validates rules per type and checks what they name", async () => {
    const bad = await t.call("POST", "/alerts/rules", {
      json: {
        name: "bad",
        condition: {
          type: "group_success_rate",
          groupId,
          minSuccessRatePercent: 120,
          windowMs: 1000,
          extra: 1,
        },
      },
    });
    expect(
      issuesOf(bad.error(400, "VALIDATION_FAILED").details)
        .map((i) => i.path)
        .sort(),
    ).toEqual(["condition", "condition.minSuccessRatePercent", "condition.windowMs"]);
    const unknownType = await t.call("POST", "/alerts/rules", {
      json: { name: "x", condition: { type: "cpu_high" } },
    });
    expect(issuesOf(unknownType.error(400, "VALIDATION_FAILED").details)[0]?.path).toBe("condition.type");
    const refs = await t.call("POST", "/alerts/rules", {
      json: {
        name: "refs",
        condition: { type: "group_all_down", groupId: "00000000-0000-4000-8000-000000000000" },
        channelIds: ["00000000-0000-4000-8000-000000000001"],
      },
    });
    expect(issuesOf(refs.error(400, "VALIDATION_FAILED").details).map((i) => i.path)).toEqual([
      "channelIds[0]",
      "condition.groupId",
    ]);
    (await t.call("GET", "/alerts/rules/not-a-uuid")).error(404, "ALERT_RULE_NOT_FOUND");
  });

  it("creates, updates and deletes rules; a channel in use cannot be deleted; viewers only read", async () => {
    const channel = await createChannel("rule hook", { type: "webhook", url: webhook.url, secret: null });
    const created = await t.call("POST", "/alerts/rules", {
      json: {
        name: "latency",
        condition: { type: "group_latency_p95", groupId, maxP95LatencyMs: 2000 },
        channelIds: [channel.id, channel.id],
        forMs: 60_000,
      },
    });
    expect(created.status).toBe(201);
    const rule = created.as(alertRuleSchema);
    expect(rule).toMatchObject({
      severity: "warning",
      enabled: true,
      cooldownMs: 300_000,
      channelIds: [channel.id],
      condition: { type: "group_latency_p95", windowMs: 300_000, minRequests: 20 },
    });
    (
      await t.call("POST", "/alerts/rules", {
        json: { name: "latency", condition: { type: "group_all_down", groupId } },
      })
    ).error(409, "ALERT_RULE_NAME_TAKEN");
    const updated = await t.call("PUT", `/alerts/rules/${rule.id}`, {
      json: { severity: "critical", condition: { type: "group_all_down", groupId } },
    });
    expect(updated.as(alertRuleSchema)).toMatchObject({
      severity: "critical",
      condition: { type: "group_all_down", groupId },
      channelIds: [channel.id],
      forMs: 60_000,
    });
    expect(
      (await t.call("GET", "/alerts/rules", { as: "viewer" })).as(ruleList).items.map((r) => r.id),
    ).toContain(rule.id);

    const inUse = await t.call("DELETE", `/alerts/channels/${channel.id}`);
    expect(inUse.error(409, "ALERT_CHANNEL_IN_USE").details).toMatchObject({
      rules: [{ id: rule.id, name: "latency" }],
    });

    const writes: [string, string, unknown][] = [
      ["POST", "/alerts/rules", { name: "v", condition: { type: "group_all_down", groupId } }],
      ["PUT", `/alerts/rules/${rule.id}`, { enabled: false }],
      ["DELETE", `/alerts/rules/${rule.id}`, undefined],
      ["POST", "/alerts/channels", { name: "v", config: { type: "webhook", url: webhook.url } }],
      ["PUT", `/alerts/channels/${channel.id}`, { enabled: false }],
      ["DELETE", `/alerts/channels/${channel.id}`, undefined],
      ["POST", `/alerts/channels/${channel.id}/test`, undefined],
    ];
    const hits = webhook.received.length;
    for (const [method, path, json] of writes) {
      (await t.call(method, path, { as: "viewer", json })).error(403, "FORBIDDEN");
    }
    expect(webhook.received.length).toBe(hits);

    expect((await t.call("DELETE", `/alerts/rules/${rule.id}`)).status).toBe(204);
    expect((await t.call("DELETE", `/alerts/channels/${channel.id}`)).status).toBe(204);
    (await t.call("GET", `/alerts/rules/${rule.id}`)).error(404, "ALERT_RULE_NOT_FOUND");
    const audit = (await t.call("GET", `/audit?entityType=alert_rule&entityId=${rule.id}`)).as(
      auditPageSchema,
    );
    expect(audit.items.map((a) => a.action)).toEqual([
      "alert_rule.delete",
      "alert_rule.update",
      "alert_rule.create",
    ]);
  });

  it("pages incident history newest first with deliveries, for viewers too", async () => {
    const providers: Provider[] = [];
    for (const name of ["p-one", "p-two", "p-three"]) {
      const res = await t.call("POST", "/providers", { json: { name, baseUrl: "http://127.0.0.1:9/v1" } });
      providers.push(res.as(providerSchema));
    }
    const channel = await createChannel("history hook", {
      type: "webhook",
      url: webhook.url,
      secret: HOOK_SECRET,
    });
    const rule = (
      await t.call("POST", "/alerts/rules", {
        json: {
          name: "providers",
          condition: { type: "provider_unhealthy", providerIds: providers.map((p) => p.id) },
          channelIds: [channel.id],
        },
      })
    ).as(alertRuleSchema);
    const scheduler = createAlertScheduler({
      outbound: loopbackOutboundPolicy(),
      db: t.database.db,
      store: t.store,
      sealer: t.secretBox,
      logger: createLogger("silent"),
      signals: {
        providerStates: () =>
          providers.map((p) => ({
            providerId: p.id,
            name: p.name,
            state: "ejected",
            reason: "consecutive_failures",
          })),
        groupWindow: () => ({ requests: 0, successes: 0, p95LatencyMs: null }),
        groupProvidersDown: () => false,
        droppedLogRows: () => 0,
        quotaUsage: () => null,
      },
    });
    expect((await scheduler.evaluateOnce()).notifications).toHaveLength(3);
    await scheduler.stop();

    const first = (await t.call("GET", `/alerts/history?limit=2&ruleId=${rule.id}`, { as: "viewer" })).as(
      alertHistoryPageSchema,
    );
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    expect(first.items[0]!.id).toBeGreaterThan(first.items[1]!.id);
    expect(first.items.every((i) => i.status === "firing" && i.deliveries.length === 1)).toBe(true);
    expect(first.items[0]!.deliveries[0]).toMatchObject({
      status: "delivered",
      event: "firing",
      channelId: channel.id,
    });
    const second = (
      await t.call("GET", `/alerts/history?limit=2&ruleId=${rule.id}&cursor=${first.nextCursor}`)
    ).as(alertHistoryPageSchema);
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((i) => i.subjectName))).toEqual(
      new Set(["p-one", "p-two", "p-three"]),
    );
    (await t.call("GET", "/alerts/history?cursor=abc")).error(400, "INVALID_QUERY");
    (await t.call("GET", "/alerts/history?colour=red")).error(400, "INVALID_QUERY");
  });
});
