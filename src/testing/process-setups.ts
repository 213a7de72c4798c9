import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { startTestProcess } from "./runtime-test-support";
import { openTestDatabase, testRedis } from "./test-database";

/** One way to run the whole server in a test: its name and the environment it adds. */
export interface ProcessSetup {
  readonly name: string;
  readonly vars: () => Promise<Record<string, string>>;
}

/**
 * The two deployments a whole-process suite runs against: the embedded default (PGlite + memory)
 * and PostgreSQL + Redis (a fresh database from the run's template, a prefix of its own in Redis).
 */
export const PROCESS_SETUPS: readonly ProcessSetup[] = [
  { name: "embedded (PGlite + memory)", vars: async () => ({}) },
  {
    name: "PostgreSQL + Redis",
    vars: async () => {
      const db = await openTestDatabase("postgres");
      await db.close();
      const redis = testRedis();
      return {
        DATABASE_URL: db.url!,
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        SECRET_KEY: randomBytes(32).toString("base64"),
      };
    },
  },
];

/**
 * Seeds an embedded data folder through the real admin API — a provider at `upstreamUrl` (no
 * credential), group `main` with it as member, and a key — then stops that server; returns the key.
 */
export async function seedRouteInDataDir(dataDir: string, upstreamUrl: string): Promise<string> {
  const token = `seed-${randomBytes(12).toString("hex")}`;
  const proc = await startTestProcess({ DATA_DIR: dataDir, ADMIN_TOKEN: token, LOG_LEVEL: "silent" });
  const call = async (route: string, body: unknown) => {
    const res = await fetch(`${proc.url}/api/admin${route}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status, route).toBe(201);
    return (await res.json()) as { id: string; key?: string };
  };
  try {
    const provider = await call("/providers", { name: "up", baseUrl: upstreamUrl, authStyle: "none" });
    const group = await call("/groups", { slug: "main", name: "Main" });
    await call(`/groups/${group.id}/providers`, { providerId: provider.id });
    return (await call("/api-keys", { name: "k" })).key!;
  } finally {
    await proc.stop();
  }
}

/** One admin API call with a bearer token; the JSON body when the answer is JSON, else null. */
export async function callAdminApi(
  baseUrl: string,
  token: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; text: string; json: Record<string, unknown> | null }> {
  const res = await fetch(`${baseUrl}/api/admin${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = res.headers.get("content-type")?.includes("json") && text ? JSON.parse(text) : null;
  return { status: res.status, text, json: json as Record<string, unknown> | null };
}
