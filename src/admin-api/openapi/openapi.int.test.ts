import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROCESS_SETUPS } from "@/testing/process-setups";
import { startTestProcess, type RunningProcess } from "@/testing/runtime-test-support";
import { ADMIN_ROUTES } from "../routes";
import { buildOpenApiDocument, openApiPathOf } from "./build-openapi";

const ADMIN_TOKEN = `adm-${randomBytes(12).toString("hex")}`;
const SAMPLE_ID = "00000000-0000-4000-8000-000000000000";
const METHODS = ["get", "put", "post", "delete", "patch"];

interface Operation {
  readonly requestBody?: { content: Record<string, { example?: unknown }> };
  readonly responses: Record<string, unknown>;
}

/** The answer's error code when it is one of our error bodies, else null. */
async function errorCodeOf(res: Response): Promise<string | null> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown } };
    return typeof body.error?.code === "string" ? body.error.code : null;
  } catch {
    return null;
  }
}

describe("GET /api/openapi.json against the running server", () => {
  let proc: RunningProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-openapi-"));
    // PostgreSQL from the run's template starts faster than a new embedded database.
    const vars = await PROCESS_SETUPS[1]!.vars();
    proc = await startTestProcess({ DATA_DIR: dataDir, ADMIN_TOKEN, LOG_LEVEL: "silent", ...vars });
  }, 180_000);
  afterAll(async () => {
    await proc?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves the generated document without credentials", async () => {
    const res = await fetch(`${proc.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const served = (await res.json()) as { info: { version: string } };
    expect(served).toEqual(buildOpenApiDocument({ version: served.info.version }));
    expect((await fetch(`${proc.url}/api/openapi.json`, { method: "POST" })).status).toBe(405);
  });

  it("every documented operation is mounted: no 404 ROUTE_NOT_FOUND, no 405", async () => {
    const served = (await (await fetch(`${proc.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const unmounted: string[] = [];
    for (const [template, item] of Object.entries(served.paths)) {
      const url = `${proc.url}${template.replace(/\{path\}/, "v1/models").replace(/\{\w+\}/g, SAMPLE_ID)}`;
      for (const method of Object.keys(item).filter((m) => METHODS.includes(m))) {
        const controller = new AbortController();
        const res = await fetch(url, {
          method: method.toUpperCase(),
          headers: template.startsWith("/api/admin/") ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {},
          signal: controller.signal,
        });
        // Streams (the live health feed) answer their headers at once and never end by themselves.
        const code = res.headers.get("content-type")?.startsWith("text/event-stream")
          ? (controller.abort(), null)
          : await errorCodeOf(res);
        if (res.status === 405 || code === "ROUTE_NOT_FOUND" || (res.status === 404 && code === null)) {
          unmounted.push(`${method.toUpperCase()} ${template} → ${res.status} ${code ?? ""}`);
        }
      }
    }
    expect(unmounted).toEqual([]);
  });

  it("every example request works as documented against a fresh server", async () => {
    const served = buildOpenApiDocument({ version: "x" });
    let exercised = 0;
    for (const route of ADMIN_ROUTES) {
      const op = served.paths[openApiPathOf(route.pattern)]![route.method.toLowerCase()] as Operation;
      const example = op.requestBody?.content["application/json"]?.example;
      if (example === undefined) continue;
      const res = await fetch(`${proc.url}${openApiPathOf(route.pattern)}`, {
        method: route.method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify(example),
      });
      const body: unknown = await res.json();
      const success = Object.keys(op.responses).find((status) => status.startsWith("2"));
      expect({ route: route.pattern, status: res.status, body }).toMatchObject({
        route: route.pattern,
        status: Number(success),
      });
      // The answer matches the documented schema (the same zod contract).
      if (route.doc?.response) expect(route.doc.response.safeParse(body).error).toBeUndefined();
      exercised++;
    }
    expect(exercised).toBeGreaterThanOrEqual(4);
  });
});
