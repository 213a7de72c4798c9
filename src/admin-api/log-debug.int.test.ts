import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  logCurlSchema,
  logDiffSchema,
  replayResultSchema,
  replayStreamLineSchema,
  type ReplayStreamLine,
} from "@/contracts/log-debug";
import { logDetailSchema, logsPageSchema } from "@/contracts/logs";
import { DEFAULT_TENANT_ID } from "@/core/vocabulary/tenants";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { PROCESS_SETUPS } from "@/testing/process-setups";
import { startTestProcess, type RunningProcess } from "@/testing/runtime-test-support";

/**
 * Replay, diff and copy-as-curl through the whole server (PostgreSQL + Redis): captured requests
 * replayed to one provider and through a group, with overrides, answered as JSON and as a live NDJSON
 * stream; NOT_CAPTURED; diffs of JSON, text and SSE pairs with known differences; the curl commands run
 * against the gateway and the mock upstream with their placeholders filled in.
 */

const run = promisify(execFile);
const ADMIN_TOKEN = `adm-${randomBytes(12).toString("hex")}`;
const CRED_A = `sk-canary-a-${randomBytes(8).toString("hex")}`;
const CRED_B = `sk-canary-b-${randomBytes(8).toString("hex")}`;

let proc: RunningProcess;
let dataDir: string;
let upA: MockUpstream;
let upB: MockUpstream;
let upText: MockUpstream;
let gatewayKey = "";
const ids: Record<string, string> = {};

async function admin(method: string, route: string, body?: unknown, token = ADMIN_TOKEN) {
  const res = await fetch(`${proc.url}/api/admin${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

async function created(route: string, body: unknown): Promise<{ id: string; key?: string }> {
  const res = await admin("POST", route, body);
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; key?: string };
}

/** A client request through the gateway; returns its request id once its log and capture are stored. */
async function send(slug: string, body: unknown, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${proc.url}/api/proxy/${slug}/v1/messages?beta=true`, {
    method: "POST",
    headers: {
      "x-api-key": gatewayKey,
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      ...headers,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  await res.text();
  const id = res.headers.get("x-request-id")!;
  await flushLogs();
  return id;
}

async function flushLogs(): Promise<void> {
  await proc.runtime.gateway.logWriter.flush();
  await proc.runtime.gateway.captureWriter.flush();
}

const message = (text: string, extra: Record<string, unknown> = {}) => ({
  model: "claude-test",
  max_tokens: 16,
  messages: [{ role: "user", content: text }],
  ...extra,
});

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-log-debug-"));
  upA = await startMockUpstream({ behaviour: { text: "Answer from A" } });
  upB = await startMockUpstream({ behaviour: { text: "Answer from B" } });
  upText = await startMockUpstream({
    behaviour: { mode: "status", status: 200, contentType: "text/plain", body: "one\ntwo\nthree\n" },
  });
  const vars = await PROCESS_SETUPS[1]!.vars();
  proc = await startTestProcess({ DATA_DIR: dataDir, ADMIN_TOKEN, LOG_LEVEL: "silent", ...vars });
  ids.a = (
    await created("/providers", { name: "prov-a", baseUrl: upA.url, apiKey: CRED_A, authStyle: "x-api-key" })
  ).id;
  ids.b = (
    await created("/providers", { name: "prov-b", baseUrl: upB.url, apiKey: CRED_B, authStyle: "x-api-key" })
  ).id;
  ids.t = (await created("/providers", { name: "prov-text", baseUrl: upText.url, authStyle: "none" })).id;
  const group = async (slug: string, capture: string, members: string[]) => {
    const g = await created("/groups", { slug, name: slug, capture });
    for (const [i, providerId] of members.entries()) {
      await created(`/groups/${g.id}/providers`, { providerId, priority: i });
    }
  };
  await group("dbg", "all", [ids.a, ids.b]);
  await group("dbg-b", "all", [ids.b]);
  await group("plain", "off", [ids.a]);
  await group("txt", "all", [ids.t]);
  gatewayKey = (await created("/api-keys", { name: "debug-key" })).key!;
}, 180_000);

afterAll(async () => {
  await proc?.stop();
  await Promise.all([upA?.close(), upB?.close(), upText?.close()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("POST /logs/{id}/replay", () => {
  it("replays to one provider: its credential injected, the same request, a replay row left out of the default list", async () => {
    const original = await send("dbg", message("hello replay"), { "x-trace": "t-1" });
    expect(upA.requests.at(-1)!.headers["x-api-key"]).toBe(CRED_A);
    const before = upB.requests.length;
    const res = await admin("POST", `/logs/${original}/replay`, { target: { providerId: ids.b } });
    expect(res.status, res.text).toBe(200);
    const result = replayResultSchema.parse(res.json);
    expect(result).toMatchObject({ replayOf: original, status: 200, events: null });
    expect(JSON.parse(result.body!)).toMatchObject({ content: [{ text: "Answer from B" }] });
    expect(result.timings.attempts).toHaveLength(1);
    expect(result.timings.attempts[0]).toMatchObject({ providerId: ids.b, status: 200 });
    // What reached B: the captured request with B's own credential, never the gateway key.
    expect(upB.requests.length).toBe(before + 1);
    const sent = upB.requests.at(-1)!;
    expect(sent.headers["x-api-key"]).toBe(CRED_B);
    expect(sent.headers["x-trace"]).toBe("t-1");
    expect(sent.query).toBe("?beta=true");
    expect(JSON.parse(sent.body)).toEqual(message("hello replay"));
    expect(res.text).not.toContain(CRED_B);

    await flushLogs();
    const row = logDetailSchema.parse((await admin("GET", `/logs/${result.logId}`)).json);
    expect(row).toMatchObject({ source: "replay", replayOf: original, providerId: ids.b, status: 200 });
    expect(row.capture).not.toBeNull();
    const listed = logsPageSchema.parse((await admin("GET", "/logs?limit=200")).json);
    expect(listed.items.map((i) => i.id)).not.toContain(result.logId);
    const replays = logsPageSchema.parse((await admin("GET", `/logs?source=replay&limit=200`)).json);
    expect(replays.items.map((i) => i.id)).toContain(result.logId);
    const ofOriginal = logsPageSchema.parse((await admin("GET", `/logs?replayOf=${original}`)).json);
    expect(ofOriginal.items.map((i) => i.id)).toEqual([result.logId]);
    ids.jsonOriginal = original;
    ids.jsonReplay = result.logId;
  });

  it("replays through a group with overrides of body model and headers", async () => {
    const original = await send("dbg", message("override me"));
    const res = await admin("POST", `/logs/${original}/replay`, {
      target: { group: "dbg-b" },
      overrides: { model: "claude-other", headers: { "x-debug": "yes", "anthropic-version": null } },
    });
    expect(res.status, res.text).toBe(200);
    const sent = upB.requests.at(-1)!;
    expect(JSON.parse(sent.body)).toEqual({ ...message("override me"), model: "claude-other" });
    expect(sent.headers["x-debug"]).toBe("yes");
    expect(sent.headers["anthropic-version"]).toBeUndefined();
    const result = replayResultSchema.parse(res.json);
    await flushLogs();
    const row = logDetailSchema.parse((await admin("GET", `/logs/${result.logId}`)).json);
    expect(row).toMatchObject({ groupSlug: "dbg-b", source: "replay", replayOf: original });

    const body = await admin("POST", `/logs/${original}/replay`, {
      target: { group: "dbg" },
      overrides: { body: { ...message("a whole new body"), max_tokens: 3 } },
    });
    expect(body.status, body.text).toBe(200);
    expect(JSON.parse(upA.requests.at(-1)!.body)).toMatchObject({ max_tokens: 3 });
  });

  it("streams the answer of an SSE replay as NDJSON lines, and collects it as events when not streaming", async () => {
    const original = await send("dbg", message("stream please", { stream: true }));
    const res = await fetch(`${proc.url}/api/admin/logs/${original}/replay`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ target: { providerId: ids.b }, stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const lines: ReplayStreamLine[] = (await res.text())
      .trim()
      .split("\n")
      .map((l) => replayStreamLineSchema.parse(JSON.parse(l)));
    expect(lines[0]).toMatchObject({ type: "head", status: 200, replayOf: original });
    expect(lines.at(-1)).toMatchObject({ type: "end" });
    const events = lines.filter((l) => l.type === "event");
    expect(events.map((e) => e.event)).toContain("content_block_delta");
    const text = events
      .filter((e) => e.event === "content_block_delta")
      .map((e) => (JSON.parse(e.data) as { delta: { text: string } }).delta.text)
      .join("");
    expect(text).toBe("Answer from B");

    const whole = replayResultSchema.parse(
      (await admin("POST", `/logs/${original}/replay`, { target: { group: "dbg" } })).json,
    );
    expect(whole.body).toBeNull();
    expect(whole.events!.map((e) => e.event)).toContain("message_stop");
    ids.sseOriginal = original;
    ids.sseReplay = lines[0]!.type === "head" ? lines[0]!.logId : "";
  });

  it("redacts provider credentials an upstream echoes in the replay answer, streamed or not", async () => {
    const original = ids.jsonOriginal!;
    const echo = {
      mode: "status" as const,
      status: 200,
      body: JSON.stringify({ echo: `key was ${CRED_B}` }),
      headers: { "x-echo": CRED_B },
    };
    upB.queueBehaviour(echo);
    const whole = await admin("POST", `/logs/${original}/replay`, { target: { providerId: ids.b } });
    expect(whole.status, whole.text).toBe(200);
    expect(whole.text).not.toContain(CRED_B);
    expect(replayResultSchema.parse(whole.json).headers["x-echo"]).toBe("[REDACTED]");
    upB.queueBehaviour(echo);
    const streamed = await admin("POST", `/logs/${original}/replay`, {
      target: { providerId: ids.b },
      stream: true,
    });
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain("[REDACTED]");
    expect(streamed.text).not.toContain(CRED_B);
  });

  it("aborts the upstream when the reader of a streamed replay goes away", async () => {
    const original = ids.sseOriginal!;
    upB.queueBehaviour({ text: "slow slow slow slow", chunks: 20, chunkDelayMs: 200 });
    const aborted = new Promise<void>((resolve) => upB.onAbort(() => resolve()));
    const controller = new AbortController();
    const res = await fetch(`${proc.url}/api/admin/logs/${original}/replay`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ target: { providerId: ids.b }, stream: true }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(replayStreamLineSchema.parse(JSON.parse(first.split("\n")[0]!))).toMatchObject({ type: "head" });
    controller.abort();
    await aborted;
    await flushLogs();
  });

  it("refuses requests that were not captured (409 NOT_CAPTURED), unknown targets, and viewers", async () => {
    const plain = await send("plain", message("not captured"));
    const res = await admin("POST", `/logs/${plain}/replay`, { target: { providerId: ids.b } });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ error: { code: "NOT_CAPTURED" } });
    expect((await admin("GET", `/logs/${plain}/curl`)).status).toBe(409);

    const captured = ids.jsonOriginal!;
    const unknownProvider = await admin("POST", `/logs/${captured}/replay`, {
      target: { providerId: "00000000-0000-4000-8000-00000000beef" },
    });
    expect(unknownProvider.json).toMatchObject({ error: { code: "PROVIDER_NOT_FOUND" } });
    const unknownGroup = await admin("POST", `/logs/${captured}/replay`, { target: { group: "nope" } });
    expect(unknownGroup.json).toMatchObject({ error: { code: "GROUP_NOT_FOUND" } });
    expect((await admin("POST", `/logs/nope/replay`, { target: { group: "dbg" } })).status).toBe(404);

    const token = await admin("POST", `/tenants/${DEFAULT_TENANT_ID}/tokens`, {
      name: "viewer",
      role: "viewer",
    });
    expect(token.status, token.text).toBe(201);
    const viewerToken = (token.json as { token: string }).token;
    const byViewer = await admin(
      "POST",
      `/logs/${captured}/replay`,
      { target: { providerId: ids.b } },
      viewerToken,
    );
    expect(byViewer.status).toBe(403);
    // Viewers may compare, without the upstream answers.
    const diff = logDiffSchema.parse(
      (await admin("GET", `/logs/${ids.jsonOriginal}/diff/${ids.jsonReplay}`, undefined, viewerToken)).json,
    );
    expect(diff).toMatchObject({ response: null, responseWithheld: true });
    expect(diff.request).not.toBeNull();
  });
});

describe("GET /logs/{a}/diff/{b}", () => {
  it("compares JSON answers by pointer, headers, status and timings", async () => {
    const res = await admin("GET", `/logs/${ids.jsonOriginal}/diff/${ids.jsonReplay}`);
    expect(res.status, res.text).toBe(200);
    const diff = logDiffSchema.parse(res.json);
    expect(diff.status).toEqual({ a: 200, b: 200, same: true });
    expect(diff.a).toMatchObject({ providerId: ids.a, source: "client", captured: true });
    expect(diff.b).toMatchObject({ providerId: ids.b, source: "replay", replayOf: ids.jsonOriginal });
    expect(diff.response!.body.kind).toBe("json");
    const body = diff.response!.body;
    if (body.kind !== "json") throw new Error("json expected");
    expect(body.changes).toContainEqual({
      op: "replace",
      path: "/content/0/text",
      from: "Answer from A",
      to: "Answer from B",
    });
    // The same request went out: no body change, and no credential anywhere in the answer.
    expect(diff.request!.body).toEqual({ kind: "json", changes: [], truncated: false });
    expect(res.text).not.toContain(CRED_A);
    expect(res.text).not.toContain(CRED_B);
    expect(res.text).not.toContain(gatewayKey);
    expect(diff.a.timings.attempts).toHaveLength(1);
  });

  it("compares text answers by lines", async () => {
    const first = await send("txt", message("text 1"));
    await upText.setBehaviour({
      mode: "status",
      status: 200,
      contentType: "text/plain",
      body: "one\nTWO\nthree\nfour\n",
    });
    const second = await send("txt", message("text 2"));
    const diff = logDiffSchema.parse((await admin("GET", `/logs/${first}/diff/${second}`)).json);
    const body = diff.response!.body;
    if (body.kind !== "text") throw new Error(`text expected, got ${body.kind}`);
    expect(body.lines.filter((l) => l.op === "remove").map((l) => l.text)).toEqual(["two"]);
    expect(body.lines.filter((l) => l.op === "add").map((l) => l.text)).toEqual(["TWO", "four"]);
  });

  it("compares SSE answers by event sequence and concatenated text", async () => {
    await flushLogs();
    const diff = logDiffSchema.parse(
      (await admin("GET", `/logs/${ids.sseOriginal}/diff/${ids.sseReplay}`)).json,
    );
    const body = diff.response!.body;
    if (body.kind !== "sse") throw new Error(`sse expected, got ${body.kind}`);
    expect(body.text.filter((l) => l.op === "remove").map((l) => l.text)).toEqual(["Answer from A"]);
    expect(body.text.filter((l) => l.op === "add").map((l) => l.text)).toEqual(["Answer from B"]);
    expect(body.events.a).toBeGreaterThan(2);
  });

  it("answers LOG_NOT_FOUND for an unknown side", async () => {
    expect((await admin("GET", `/logs/${ids.jsonOriginal}/diff/nope`)).status).toBe(404);
  });
});

describe("GET /logs/{id}/curl", () => {
  it("renders commands without secrets that work against the gateway and the upstream", async () => {
    const res = await admin("GET", `/logs/${ids.jsonOriginal}/curl`);
    expect(res.status, res.text).toBe(200);
    const curl = logCurlSchema.parse(res.json);
    expect(curl.gateway).toContain("$ROUNDABOUT_KEY");
    expect(curl.upstream!.command).toContain("$UPSTREAM_API_KEY");
    expect(curl.upstream!.providerId).toBe(ids.a);
    for (const secret of [gatewayKey, CRED_A, CRED_B]) expect(res.text).not.toContain(secret);

    const viaGateway = await run("sh", ["-c", curl.gateway], {
      env: { ...process.env, ROUNDABOUT_KEY: gatewayKey },
    });
    expect(JSON.parse(viaGateway.stdout)).toMatchObject({ content: [{ text: "Answer from A" }] });

    const before = upA.requests.length;
    const direct = await run("sh", ["-c", curl.upstream!.command], {
      env: { ...process.env, UPSTREAM_API_KEY: CRED_A },
    });
    expect(JSON.parse(direct.stdout)).toMatchObject({ content: [{ text: "Answer from A" }] });
    expect(upA.requests.length).toBe(before + 1);
    expect(upA.requests.at(-1)!.headers["x-api-key"]).toBe(CRED_A);
    expect(JSON.parse(upA.requests.at(-1)!.body)).toEqual(message("hello replay"));

    const other = logCurlSchema.parse(
      (await admin("GET", `/logs/${ids.jsonOriginal}/curl?providerId=${ids.b}`)).json,
    );
    expect(other.upstream).toMatchObject({ providerId: ids.b, providerName: "prov-b" });
  });
});
