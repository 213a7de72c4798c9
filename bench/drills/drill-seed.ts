import { randomBytes } from "node:crypto";
import { sleep } from "./drill-figures";

/**
 * Seeds a running instance through its admin API (`Authorization: Bearer $ADMIN_TOKEN`), as an
 * operator's automation would: one provider per mock upstream, a group over them, and gateway keys.
 */

export interface DrillKey {
  readonly id: string;
  readonly key: string;
}

async function callAdmin(
  baseUrl: string,
  token: string,
  route: string,
  body: unknown,
): Promise<{ id: string; key?: string }> {
  const res = await fetch(`${baseUrl}/api/admin${route}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`POST ${route} answered ${res.status}: ${text.slice(0, 300)}`);
  }
  return JSON.parse(text) as { id: string; key?: string };
}

/** Creates a group `slug` over one provider per upstream URL. */
export async function seedGroup(
  baseUrl: string,
  token: string,
  slug: string,
  upstreams: readonly string[],
): Promise<string> {
  const providerIds: string[] = [];
  for (const [i, upstream] of upstreams.entries()) {
    const p = await callAdmin(baseUrl, token, "/providers", {
      name: `${slug}-${i}`,
      baseUrl: upstream,
      apiKey: `sk-mock-${randomBytes(8).toString("hex")}`,
    });
    providerIds.push(p.id);
  }
  const group = await callAdmin(baseUrl, token, "/groups", { slug, name: slug });
  for (const providerId of providerIds) {
    await callAdmin(baseUrl, token, `/groups/${group.id}/providers`, { providerId });
  }
  return group.id;
}

/** Creates a global gateway key with the given limits; answers the plaintext key (never printed). */
export async function seedKey(
  baseUrl: string,
  token: string,
  limits: { rateLimitPerMinute?: number; maxConcurrency?: number },
): Promise<DrillKey> {
  const created = await callAdmin(baseUrl, token, "/api-keys", {
    name: `drill-${randomBytes(4).toString("hex")}`,
    ...limits,
  });
  if (created.key === undefined) throw new Error("api-keys answered no key");
  return { id: created.id, key: created.key };
}

/** Waits until a JSON chat request with `key` on `slug` answers 200 at `baseUrl` (config reached it). */
export async function waitUntilRoutable(
  baseUrl: string,
  slug: string,
  key: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${baseUrl}/api/proxy/${slug}/v1/models`, {
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(2_000),
    }).then(
      async (r) => {
        await r.arrayBuffer();
        return r.status;
      },
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline)
      throw new Error(`${baseUrl}: group ${slug} not routable (last status ${status})`);
    await sleep(200);
  }
}
