import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEADER_VALUE_MASK } from "@/core/vocabulary/providers";
import { executeRows } from "@/db/execute-rows";
import { parseCsv } from "@/http/csv";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { callAdminApi } from "@/testing/process-setups";
import { startTestProcess, type RunningProcess } from "@/testing/runtime-test-support";

/**
 * Issue 11 on the real runtime (embedded database): provider header values are secrets everywhere
 * (never in a read, export, CSV, audit row, log line or the stored row, yet sent upstream and kept
 * when the masked placeholder is sent back), `header:<name>` auth styles, and CSV cells that a
 * spreadsheet would run as formulas — written by an unauthenticated client — neutralised.
 */

const ADMIN_TOKEN = `adm-${randomBytes(12).toString("hex")}`;
const HEADER_SECRET = `hdr-canary-${randomBytes(12).toString("hex")}`;
const CREDENTIAL = `cred-canary-${randomBytes(12).toString("hex")}`;

let upstream: MockUpstream;
let dataDir: string;
let proc: RunningProcess;

function admin(method: string, route: string, body?: unknown) {
  return callAdminApi(proc.url, ADMIN_TOKEN, method, route, body);
}

beforeAll(async () => {
  upstream = await startMockUpstream();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-secrets-"));
  proc = await startTestProcess({ DATA_DIR: dataDir, ADMIN_TOKEN });
}, 180_000);

afterAll(async () => {
  await proc?.stop();
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("provider header values are secrets", { timeout: 90_000 }, () => {
  let providerId = "";
  let gatewayKey = "";

  async function proxy(): Promise<Record<string, string | string[] | undefined>> {
    await proc.runtime.gateway.reload();
    const res = await fetch(`${proc.url}/api/proxy/main/v1/models`, {
      headers: { authorization: `Bearer ${gatewayKey}`, "x-goog-api-key": "from-client" },
    });
    await res.text();
    expect(res.status).toBe(200);
    return upstream.requests.at(-1)!.headers;
  }

  it("are stored sealed, sent upstream, and never shown in any read, export, CSV, audit or log", async () => {
    const created = await admin("POST", "/providers", {
      name: "gemini",
      baseUrl: upstream.url,
      apiKey: CREDENTIAL,
      authStyle: "header:X-Custom-Key",
      headers: { "x-goog-api-key": HEADER_SECRET, "anthropic-version": "2023-06-01" },
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(HEADER_SECRET);
    providerId = (created.json as { id: string }).id;
    expect(created.json).toMatchObject({
      authStyle: "header:x-custom-key",
      headers: { "x-goog-api-key": HEADER_VALUE_MASK, "anthropic-version": HEADER_VALUE_MASK },
    });
    const group = await admin("POST", "/groups", { slug: "main", name: "Main" });
    const groupId = (group.json as { id: string }).id;
    expect((await admin("POST", `/groups/${groupId}/providers`, { providerId })).status).toBe(201);
    gatewayKey = ((await admin("POST", "/api-keys", { name: "k" })).json as { key: string }).key;

    const sent = await proxy();
    expect(sent["x-goog-api-key"]).toBe(HEADER_SECRET);
    expect(sent["anthropic-version"]).toBe("2023-06-01");
    expect(sent["x-custom-key"]).toBe(CREDENTIAL);
    expect(sent.authorization).toBeUndefined();

    const reads: string[] = [];
    for (const route of [
      "/providers",
      `/providers/${providerId}`,
      "/config/export",
      "/providers/export.csv",
      "/audit",
      "/audit?entityType=provider",
    ]) {
      const res = await admin("GET", route);
      expect(res.status, route).toBe(200);
      expect(res.text, route).not.toContain(HEADER_SECRET);
      reads.push(res.text);
    }
    expect(reads[3]).toContain(HEADER_VALUE_MASK);
    const [row] = await executeRows<{ headers: unknown; headers_sealed: boolean }>(
      proc.runtime.database.db,
      sql`select headers, headers_sealed from providers where id = ${providerId}`,
    );
    expect(row?.headers_sealed).toBe(true);
    expect(JSON.stringify(row?.headers)).not.toContain(HEADER_SECRET);
    expect(proc.output.join("\n")).not.toContain(HEADER_SECRET);

    // Admins' secret exports reveal them, as they reveal the credential.
    const secretExport = await admin("GET", "/config/export?includeSecrets=true");
    expect(secretExport.text).toContain(HEADER_SECRET);
  });

  it("are kept when the masked placeholder is sent back, replaced otherwise, and audited by name only", async () => {
    const shown = (await admin("GET", `/providers/${providerId}`)).json as {
      headers: Record<string, string>;
    };
    const kept = await admin("PUT", `/providers/${providerId}`, {
      headers: { ...shown.headers, "x-extra": "1" },
    });
    expect(kept.status).toBe(200);
    expect((await proxy())["x-goog-api-key"]).toBe(HEADER_SECRET);

    const replaced = await admin("PUT", `/providers/${providerId}`, {
      headers: { ...shown.headers, "x-goog-api-key": "new-secret-value" },
    });
    expect(replaced.status).toBe(200);
    expect((await proxy())["x-goog-api-key"]).toBe("new-secret-value");
    const audit = await admin("GET", "/audit?entityType=provider");
    expect(audit.text).toContain("headerValuesReplaced");
    expect(audit.text).not.toContain("new-secret-value");

    // A document exported without secrets imports back without losing the values.
    const doc = (await admin("GET", "/config/export")).json;
    expect((await admin("POST", "/config/import", doc)).status).toBe(200);
    expect((await proxy())["x-goog-api-key"]).toBe("new-secret-value");

    // A placeholder for a header that has no stored value is refused.
    const refused = await admin("PUT", `/providers/${providerId}`, {
      headers: { "x-unknown": HEADER_VALUE_MASK },
    });
    expect(refused.status).toBe(400);
  });

  it("are sealed at the next start when a row still holds clear values (rows from before migration 0004)", async () => {
    const legacy = `legacy-canary-${randomBytes(8).toString("hex")}`;
    await executeRows(
      proc.runtime.database.db,
      sql`update providers set headers = ${JSON.stringify({ "x-goog-api-key": legacy })}::jsonb,
          headers_sealed = false where id = ${providerId}`,
    );
    // Until then, every reader opens the clear form: masked in reads, sent upstream.
    expect((await admin("GET", `/providers/${providerId}`)).text).not.toContain(legacy);
    expect((await proxy())["x-goog-api-key"]).toBe(legacy);

    await proc.stop();
    proc = await startTestProcess({ DATA_DIR: dataDir, ADMIN_TOKEN });
    const [row] = await executeRows<{ headers: unknown; headers_sealed: boolean }>(
      proc.runtime.database.db,
      sql`select headers, headers_sealed from providers where id = ${providerId}`,
    );
    expect(row?.headers_sealed).toBe(true);
    expect(JSON.stringify(row?.headers)).not.toContain(legacy);
    expect((await proxy())["x-goog-api-key"]).toBe(legacy);
    expect(proc.output.join("\n")).toContain("sealed the extra header values of existing providers");
    expect(proc.output.join("\n")).not.toContain(legacy);
  });
});

describe("CSV exports are data, never formulas", () => {
  it("neutralises a formula an unauthenticated client put in the logged group slug", async () => {
    const res = await fetch(`${proc.url}/api/proxy/-1+HYPERLINK(%22x%22)/v1/models`);
    await res.text();
    expect(res.status).toBe(401);
    await proc.runtime.gateway.logWriter.flush();
    const csv = await admin("GET", "/logs/export?format=csv");
    expect(csv.status).toBe(200);
    expect(csv.text).toContain("HYPERLINK");
    const parsedBack = parseCsv(csv.text);
    expect(parsedBack.ok).toBe(true);
    // Raw cells as a spreadsheet reads them: none may start like a formula unless it is a number.
    for (const line of csv.text.split("\r\n")) {
      for (const cell of line.split(",")) {
        const raw = cell.startsWith('"') ? cell.slice(1) : cell;
        if (/^[=+\-@\t\r]/.test(raw)) expect(raw).toMatch(/^[+-]?\d+(\.\d+)?$/);
      }
    }
  });
});
