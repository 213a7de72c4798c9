import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTierStrategies } from "../../core/balancing/select";
import type { Database } from "../../db/client";
import { apiKeys, groupProviders, groups, providers } from "../../db/schema";
import { createLogger } from "../../observability/logger";
import { createSecretBox, keyIdOf } from "../../security/secret-box";
import { startLoopTurnCounter } from "../../testing/loop-turns";
import { DATABASE_KINDS, openTestDatabase, type TestDatabaseKind } from "../../testing/test-database";
import { buildSnapshot } from "./build-snapshot";
import { groupSlugKey } from "./snapshot-types";

/**
 * A large configuration (more rows than one read page, more work than one 20 ms slice) is read in
 * full, every page, and the build lets other callbacks run while it works instead of holding the loop.
 */

const PROVIDERS = 2_500;
const KEYS = 6_000;
const key = randomBytes(32);
const box = createSecretBox({ keys: [{ id: keyIdOf(key), key }], activeKeyId: keyIdOf(key) });

describe.each(DATABASE_KINDS)("on %s", (kind: TestDatabaseKind) => {
  let database: Database;
  let bigGroup: { tenantId: string };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const db = database.db;
    const [g] = await db.insert(groups).values({ slug: "big", name: "big" }).returning();
    bigGroup = g!;
    for (let start = 0; start < PROVIDERS; start += 500) {
      const rows = Array.from({ length: 500 }, (_, j) => {
        const id = crypto.randomUUID();
        return {
          id,
          name: `p-${start + j}`,
          baseUrl: `http://127.0.0.1:9/p-${start + j}`,
          apiKeyCipher: box.seal(`sk-${start + j}`, id),
        };
      });
      await db.insert(providers).values(rows);
      await db.insert(groupProviders).values(rows.map((r) => ({ groupId: g!.id, providerId: r.id })));
    }
    for (let start = 0; start < KEYS; start += 1_000) {
      await db.insert(apiKeys).values(
        Array.from({ length: 1_000 }, (_, j) => ({
          name: `k-${start + j}`,
          keyDigest: `digest-${start + j}`,
          keyPrefix: "sk-",
          keyLast4: "0000",
          // Every tenth key is disabled: the paged read keeps filtering them out.
          enabled: (start + j) % 10 !== 0,
        })),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await database?.close();
  });

  describe("buildSnapshot on a large configuration", () => {
    it("reads every page and yields to the event loop while it builds", async () => {
      const loop = startLoopTurnCounter();
      const snapshot = await buildSnapshot({
        db: database.db,
        openCredential: (sealed, id) => box.open(sealed, id),
        logger: createLogger("silent"),
        strategiesFor: (_id, name) => createTierStrategies(name),
        version: 1,
        now: Date.now(),
      });
      const turns = loop.stop();
      expect(snapshot.providerIds.size).toBe(PROVIDERS);
      expect(snapshot.groupsBySlug.get(groupSlugKey(bigGroup.tenantId, "big"))?.members.length).toBe(
        PROVIDERS,
      );
      expect(snapshot.keysByDigest.size).toBe(KEYS - KEYS / 10);
      expect(snapshot.keysByDigest.has("digest-0")).toBe(false);
      expect(snapshot.keysByDigest.has("digest-1")).toBe(true);
      expect(
        snapshot.groupsBySlug.get(groupSlugKey(bigGroup.tenantId, "big"))?.members[0]?.provider.credential,
      ).toMatch(/^sk-\d+$/);
      // At least one turn per page read (3 provider pages, 6 key pages), whatever the machine's speed.
      expect(turns).toBeGreaterThanOrEqual(9);
    });
  });
});
