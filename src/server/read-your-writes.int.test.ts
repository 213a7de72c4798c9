import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { PROCESS_SETUPS, callAdminApi } from "@/testing/process-setups";
import { startTestProcess, type RunningProcess } from "@/testing/runtime-test-support";

/**
 * Read-your-writes: once the admin API answered a write, the next proxied request on the same
 * instance sees it — with the embedded default and with PostgreSQL + Redis (where the instance used
 * to wait for its own announcement to come back over pub/sub). A race shows up one run in several,
 * so every step runs many times in a row.
 */

const ADMIN_TOKEN = `adm-${randomBytes(12).toString("hex")}`;
const ROUNDS = 30;

describe.each(PROCESS_SETUPS)("read-your-writes on one instance ($name)", (setup) => {
  let proc: RunningProcess;
  let dataDir: string;
  let first: MockUpstream;
  let second: MockUpstream;

  async function admin(method: string, route: string, body?: unknown) {
    const r = await callAdminApi(proc.url, ADMIN_TOKEN, method, route, body);
    if (r.status >= 300) throw new Error(`${method} ${route}: ${r.status} ${r.text}`);
    return r.json ?? {};
  }

  async function proxy(slug: string, key: string): Promise<Response> {
    const res = await fetch(`${proc.url}/api/proxy/${slug}/v1/models`, {
      headers: { authorization: `Bearer ${key}` },
    });
    await res.arrayBuffer();
    return res;
  }

  beforeAll(async () => {
    first = await startMockUpstream({ record: false });
    second = await startMockUpstream({ record: false });
    dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-ryw-"));
    proc = await startTestProcess({
      DATA_DIR: dataDir,
      ADMIN_TOKEN,
      LOG_LEVEL: "warn",
      ...(await setup.vars()),
    });
    // A process start (PGlite creation, migrations) is slow on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    await proc?.stop();
    await first?.close();
    await second?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    `${ROUNDS}×: a new group, a new member, a changed member and a revoked key count at once`,
    { timeout: 240_000 },
    async () => {
      const a = await admin("POST", "/providers", { name: "first", baseUrl: first.url });
      const b = await admin("POST", "/providers", { name: "second", baseUrl: second.url });
      const global = (await admin("POST", "/api-keys", { name: "global" })).key as string;
      for (let i = 0; i < ROUNDS; i++) {
        // A new group with one member: usable by the very next request.
        const group = await admin("POST", "/groups", { slug: `g${i}`, name: `G ${i}` });
        await admin("POST", `/groups/${group.id as string}/providers`, { providerId: a.id, priority: 1 });
        const one = await proxy(`g${i}`, global);
        expect(one.status, `round ${i}: new group`).toBe(200);
        expect(one.headers.get("x-proxy-provider")).toBe("first");

        // A new, preferred member: the next request goes to it.
        await admin("POST", `/groups/${group.id as string}/providers`, { providerId: b.id, priority: 0 });
        const two = await proxy(`g${i}`, global);
        expect(two.headers.get("x-proxy-provider"), `round ${i}: new member`).toBe("second");

        // Its priority changed below the other member's: the next request is back on the other one.
        await admin("PUT", `/groups/${group.id as string}/providers/${b.id as string}`, { priority: 2 });
        const three = await proxy(`g${i}`, global);
        expect(three.headers.get("x-proxy-provider"), `round ${i}: member change`).toBe("first");

        // A new key works at once; a revoked one is refused at once.
        const created = await admin("POST", "/api-keys", { name: `k${i}` });
        expect((await proxy(`g${i}`, created.key as string)).status, `round ${i}: new key`).toBe(200);
        await admin("DELETE", `/api-keys/${created.id as string}`);
        expect((await proxy(`g${i}`, created.key as string)).status, `round ${i}: revoked key`).toBe(401);
      }
    },
  );
});
