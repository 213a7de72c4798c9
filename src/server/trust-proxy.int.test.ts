import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { executeRows } from "@/db/execute-rows";
import { startTestProcess, type RunningProcess } from "@/testing/runtime-test-support";

/**
 * TRUST_PROXY on the real runtime: the client address written to request logs and the audit log is
 * the socket peer unless the peer is a trusted proxy, and then the hop TRUST_PROXY resolves (hop
 * counts, `true` and `Forwarded` are covered by src/core/net/client-address.test.ts).
 */

const ADMIN_TOKEN = `adm-${randomBytes(12).toString("hex")}`;
const FORWARDED = { "x-forwarded-for": "6.6.6.6, 198.51.100.7" };

let proc: RunningProcess | null = null;
let dataDir = "";

afterEach(async () => {
  await proc?.stop();
  proc = null;
  rmSync(dataDir, { recursive: true, force: true });
});

async function addressesSeen(trustProxy: string | undefined): Promise<{ log: unknown; audit: unknown }> {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-trust-"));
  proc = await startTestProcess({ DATA_DIR: dataDir, ADMIN_TOKEN, TRUST_PROXY: trustProxy });
  // An unauthenticated gateway request is logged with its client address.
  const res = await fetch(`${proc.url}/api/proxy/nowhere/v1/models`, { headers: FORWARDED });
  await res.text();
  const created = await fetch(`${proc.url}/api/admin/groups`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", ...FORWARDED },
    body: JSON.stringify({ slug: "g", name: "G" }),
  });
  expect(created.status).toBe(201);
  await proc.runtime.gateway.logWriter.flush();
  const { db } = proc.runtime.database;
  const [log] = await executeRows<{ client_ip: string | null }>(db, sql`select client_ip from request_logs`);
  const [audit] = await executeRows<{ ip: string | null }>(
    db,
    sql`select ip from audit_log where action = 'group.create'`,
  );
  return { log: log?.client_ip, audit: audit?.ip };
}

describe("TRUST_PROXY decides which forwarded address is the client", { timeout: 120_000 }, () => {
  it("off (default): the socket peer, whatever X-Forwarded-For says", async () => {
    expect(await addressesSeen(undefined)).toEqual({ log: "127.0.0.1", audit: "127.0.0.1" });
  });

  it("a CIDR list: the first hop outside it", async () => {
    expect(await addressesSeen("127.0.0.0/8")).toEqual({ log: "198.51.100.7", audit: "198.51.100.7" });
  });
});
