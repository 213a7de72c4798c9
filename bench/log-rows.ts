import { randomBytes, randomUUID } from "node:crypto";
import { createSeededRandom, drawInt } from "../src/core/random/seeded";
import type { Database } from "../src/db/client";
import { apiKeys, groups, providers, type NewRequestLogRow } from "../src/db/schema";

/**
 * Request-log rows for the benchmarks (bench:stats, bench/log-store.ts): a topology of 8 providers,
 * 4 groups and 24 keys seeded through the schema, and a deterministic, realistic stream of rows.
 */

/** Rows per chunk handed out by `generateRows`. */
export const CHUNK = 10_000;

export interface Topology {
  groups: { id: string; slug: string; providers: string[]; keys: string[] }[];
  providerNames: Map<string, string>;
}

/** Seeds providers, groups and keys; returns their ids. */
export async function seedTopology(db: Database["db"]): Promise<Topology> {
  const providerIds: string[] = [];
  const providerNames = new Map<string, string>();
  for (let i = 0; i < 8; i++) {
    const [row] = await db
      .insert(providers)
      .values({ name: `provider-${i}`, baseUrl: `http://127.0.0.1:${9000 + i}` })
      .returning({ id: providers.id });
    providerIds.push(row!.id);
    providerNames.set(row!.id, `provider-${i}`);
  }
  const out: Topology["groups"] = [];
  for (let g = 0; g < 4; g++) {
    const [row] = await db
      .insert(groups)
      .values({ slug: `group-${g}`, name: `Group ${g}` })
      .returning({ id: groups.id });
    const keys: string[] = [];
    for (let k = 0; k < 6; k++) {
      const [key] = await db
        .insert(apiKeys)
        .values({
          name: `key-${g}-${k}`,
          keyDigest: randomBytes(32).toString("hex"),
          keyPrefix: "sk-bench",
          keyLast4: "0000",
          groupId: row!.id,
        })
        .returning({ id: apiKeys.id });
      keys.push(key!.id);
    }
    out.push({
      id: row!.id,
      slug: `group-${g}`,
      providers: [providerIds[g * 2]!, providerIds[g * 2 + 1]!, providerIds[(g * 2 + 2) % 8]!],
      keys,
    });
  }
  return { groups: out, providerNames };
}

const MODELS = ["claude-sonnet", "claude-haiku", "gpt-4o", "gpt-4o-mini"];

/** A deterministic, realistic mix: mostly 200s, some 4xx/5xx, a few broken streams. */
export function generateRows(
  topology: Topology,
  total: number,
  start: number,
  span: number,
): () => NewRequestLogRow[] | null {
  const random = createSeededRandom(1234);
  let i = 0;
  return () => {
    if (i >= total) return null;
    const n = Math.min(CHUNK, total - i);
    const out: NewRequestLogRow[] = new Array(n);
    for (let j = 0; j < n; j++, i++) {
      const g = topology.groups[drawInt(random, topology.groups.length)]!;
      const providerIndex = random() < 0.6 ? 0 : random() < 0.75 ? 1 : 2;
      const providerId = g.providers[providerIndex]!;
      const roll = random();
      let status = 200;
      let errorCode: string | null = null;
      if (roll < 0.01) [status, errorCode] = [401, "GATEWAY_KEY_INVALID"];
      else if (roll < 0.03) [status, errorCode] = [429, "RATE_LIMITED"];
      else if (roll < 0.05) [status, errorCode] = [502, "UPSTREAM_STATUS"];
      else if (roll < 0.06) [status, errorCode] = [503, "UPSTREAM_OVERLOADED"];
      else if (roll < 0.065) [status, errorCode] = [504, "UPSTREAM_TIMEOUT"];
      else if (roll < 0.07) errorCode = "UPSTREAM_IDLE_TIMEOUT";
      const refused = status === 401 || status === 429;
      const median = 300 + providerIndex * 400;
      const totalMs = Math.max(1, Math.round(median * Math.exp((random() - 0.5) * 2.5)));
      const ttfbMs = refused ? null : Math.max(1, Math.round(totalMs * (0.1 + random() * 0.3)));
      const streamed = random() < 0.6;
      out[j] = {
        id: randomUUID(),
        createdAt: new Date(start + Math.floor((i / total) * span + random() * 1000)),
        groupId: status === 401 ? null : g.id,
        groupSlug: g.slug,
        providerId: refused ? null : providerId,
        keyId: status === 401 ? null : g.keys[drawInt(random, g.keys.length)]!,
        method: "POST",
        path: "/v1/messages",
        status,
        totalMs,
        ttfbMs,
        attempts: refused
          ? []
          : [
              {
                providerId,
                provider: "p",
                status,
                startMs: 0.5,
                connectMs: 1.5,
                firstByteMs: ttfbMs ?? totalMs,
                endMs: totalMs,
                ms: totalMs,
                outcome: status === 200 ? "success" : "failure",
              },
            ],
        errorCode,
        bytesIn: 200 + drawInt(random, 4000),
        bytesOut: refused ? 120 : 500 + drawInt(random, 20_000),
        model: MODELS[drawInt(random, MODELS.length)]!,
        inputTokens: refused ? null : 50 + drawInt(random, 3000),
        outputTokens: refused ? null : 10 + drawInt(random, 1500),
        clientIp: "127.0.0.1",
        streamed,
      };
    }
    return out;
  };
}
