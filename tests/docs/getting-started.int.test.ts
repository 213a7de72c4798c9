import Anthropic from "@anthropic-ai/sdk";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { PROCESS_SETUPS, callAdminApi } from "@/testing/process-setups";
import { startTestProcess, type RunningProcess } from "@/testing/runtime-test-support";

/**
 * docs/getting-started.md, followed step by step: every admin request body below appears verbatim in
 * the guide (the test fails when the guide changes without it), with only the upstream base URLs
 * pointed at mock upstreams. Then the SDK snippets run against the gateway, and the primary upstream
 * fails: the backup tier answers.
 */
const GUIDE = readFileSync(path.join(import.meta.dirname, "../../docs/getting-started.md"), "utf8");
const ADMIN_TOKEN = randomBytes(24).toString("hex");

/** Asserts the body is in the guide as written (`-d '…'`), then returns it with `baseUrl` replaced. */
function fromGuide(body: Record<string, unknown>, baseUrl?: string): Record<string, unknown> {
  expect(GUIDE, "docs/getting-started.md changed: update this test with it").toContain(
    `-d '${JSON.stringify(body)}'`,
  );
  return baseUrl ? { ...body, baseUrl } : body;
}

describe("docs/getting-started.md, followed against mock upstreams", () => {
  let proc: RunningProcess;
  let dataDir: string;
  const up: Record<string, MockUpstream> = {};

  beforeAll(async () => {
    for (const name of ["anthropicPrimary", "anthropicBackup", "openaiPrimary", "openaiBackup"]) {
      up[name] = await startMockUpstream();
    }
    dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-guide-"));
    // Step 1 (`ADMIN_TOKEN=… npm start`); PostgreSQL from the run's template starts fastest here.
    const vars = await PROCESS_SETUPS[1]!.vars();
    proc = await startTestProcess({ DATA_DIR: dataDir, ADMIN_TOKEN, LOG_LEVEL: "silent", ...vars });
  }, 180_000);
  afterAll(async () => {
    await proc?.stop();
    for (const mock of Object.values(up)) await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const admin = async (route: string, body: Record<string, unknown>) => {
    const res = await callAdminApi(proc.url, ADMIN_TOKEN, "POST", route, body);
    expect(res.status, `${route}: ${res.text}`).toBe(201);
    return res.json as Record<string, unknown> & { id: string };
  };

  /** Steps 2–4 for one family: two providers, a group with them in tiers 0 and 1. */
  async function setUpFamily(options: {
    primary: Record<string, unknown>;
    backup: Record<string, unknown>;
    primaryUrl: string;
    backupUrl: string;
    group: Record<string, unknown>;
  }) {
    const primary = await admin("/providers", fromGuide(options.primary, options.primaryUrl));
    const backup = await admin("/providers", fromGuide(options.backup, options.backupUrl));
    const group = await admin("/groups", fromGuide(options.group));
    await admin(`/groups/${group.id}/providers`, { providerId: primary.id, priority: 0 });
    await admin(`/groups/${group.id}/providers`, { providerId: backup.id, priority: 1 });
    return { primary, backup };
  }

  it("Anthropic family: auth style by host, Claude Code's SDK served, then failover to the backup", async () => {
    // The guide's primary names no authStyle: on api.anthropic.com it becomes x-api-key.
    const real = await callAdminApi(proc.url, ADMIN_TOKEN, "POST", "/providers", {
      name: "anthropic-host-check",
      baseUrl: "https://api.anthropic.com",
    });
    expect(real.json).toMatchObject({ authStyle: "x-api-key" });

    const { primary } = await setUpFamily({
      primary: { name: "anthropic-primary", baseUrl: "https://api.anthropic.com", apiKey: "sk-ant-PRIMARY" },
      backup: {
        name: "anthropic-backup",
        baseUrl: "https://anthropic-backup.example.com",
        apiKey: "sk-ant-BACKUP",
        authStyle: "x-api-key",
      },
      primaryUrl: up.anthropicPrimary!.url,
      backupUrl: up.anthropicBackup!.url,
      group: {
        name: "Claude",
        slug: "claude",
        strategy: "weighted_round_robin",
        maxAttempts: 3,
        retryOn: [429, 500, 502, 503, 504, 529],
      },
    });
    // The mock stands in for api.anthropic.com, so its provider says x-api-key explicitly.
    await callAdminApi(proc.url, ADMIN_TOKEN, "PUT", `/providers/${primary.id}`, { authStyle: "x-api-key" });
    const key = (await admin("/api-keys", fromGuide({ name: "laptop" }))).key as string;

    const client = new Anthropic({ baseURL: `${proc.url}/api/proxy/claude`, apiKey: key, maxRetries: 0 });
    const ask = () =>
      client.messages.create({
        model: "claude-sonnet-4-5",
        max_tokens: 256,
        messages: [{ role: "user", content: "Hello" }],
      });
    expect((await ask()).content[0]).toMatchObject({ type: "text" });
    const sent = up.anthropicPrimary!.requests.at(-1)!;
    expect(sent.headers["x-api-key"]).toBe("sk-ant-PRIMARY");
    expect(sent.headers.authorization).toBeUndefined();
    expect(up.anthropicBackup!.requests).toHaveLength(0);

    // The primary is overloaded: the standby tier answers, the client sees a normal message.
    await up.anthropicPrimary!.setBehaviour({ mode: "status", status: 529 });
    expect((await ask()).content[0]).toMatchObject({ type: "text" });
    expect(up.anthropicBackup!.requests.at(-1)!.headers["x-api-key"]).toBe("sk-ant-BACKUP");
  });

  it("OpenAI family: the SDK served by the primary, then by the backup when the primary is down", async () => {
    await setUpFamily({
      primary: { name: "openai-primary", baseUrl: "https://api.openai.com/v1", apiKey: "sk-PRIMARY" },
      backup: { name: "openai-backup", baseUrl: "https://openai-backup.example.com/v1", apiKey: "sk-BACKUP" },
      primaryUrl: `${up.openaiPrimary!.url}/v1`,
      backupUrl: `${up.openaiBackup!.url}/v1`,
      group: { name: "OpenAI", slug: "openai", strategy: "weighted_round_robin", maxAttempts: 3 },
    });
    const key = (await admin("/api-keys", { name: "openai-laptop" })).key as string;
    const client = new OpenAI({ baseURL: `${proc.url}/api/proxy/openai`, apiKey: key, maxRetries: 0 });
    const ask = () =>
      client.chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "Hello" }],
      });

    expect((await ask()).choices[0]!.message.role).toBe("assistant");
    const sent = up.openaiPrimary!.requests.at(-1)!;
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.headers.authorization).toBe("Bearer sk-PRIMARY");

    await up.openaiPrimary!.setBehaviour({ mode: "refuse" });
    expect((await ask()).choices[0]!.message.role).toBe("assistant");
    expect(up.openaiBackup!.requests.at(-1)!.headers.authorization).toBe("Bearer sk-BACKUP");

    // The guide's curl line works too.
    const res = await fetch(`${proc.url}/api/proxy/openai/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(res.status).toBe(200);
  });
});
