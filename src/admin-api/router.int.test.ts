import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@/observability/logger";
import { startAdminTestServer, type AdminTestServer } from "@/testing/admin-api-test-server";

describe("admin router failure handling", () => {
  let t: AdminTestServer;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString("utf8"));
        callback();
      },
    });
    t = await startAdminTestServer("pglite", { logger: createLogger("error", sink) });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers 500 INTERNAL_ERROR without internals when the database fails, and logs it", async () => {
    await t.database.close();
    const res = await t.call("POST", "/providers", {
      json: { name: "after-close", baseUrl: "http://127.0.0.1:9", apiKey: "sk-never-logged-0123456789" },
    });
    const error = res.error(500, "INTERNAL_ERROR");
    expect(error).toEqual({ code: "INTERNAL_ERROR", message: "An internal error occurred." });
    expect(lines.join("")).toContain("admin api request failed");
    // The log line and the response carry the same request id.
    const requestId = res.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const logged = lines.map((l) => JSON.parse(l) as { msg?: string; requestId?: string });
    expect(logged.find((l) => l.msg === "admin api request failed")?.requestId).toBe(requestId);
    expect(lines.join("")).not.toContain("sk-never-logged");
  });
});
