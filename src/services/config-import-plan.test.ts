import { describe, expect, it } from "vitest";
import { configDocumentSchema, type ConfigDocumentInput } from "@/contracts/config-document";
import type { ApiKeyRow, GroupRow, ProviderRow } from "@/db/schema";
import { DEFAULT_TENANT_ID } from "@/core/vocabulary/tenants";
import { planImport, planImportSteps, type CurrentConfig } from "./config-import-plan";

const K1 = "00000000-0000-4000-8000-0000000000a1";
const K2 = "00000000-0000-4000-8000-0000000000a2";
const K3 = "00000000-0000-4000-8000-0000000000a3";
const at = new Date("2030-01-01T00:00:00Z");
const provider = (id: string, name: string): ProviderRow => ({
  id,
  tenantId: DEFAULT_TENANT_ID,
  name,
  baseUrl: "http://127.0.0.1:9",
  apiKeyCipher: null,
  apiKeyLast4: null,
  authStyle: "bearer",
  weight: 1,
  enabled: true,
  healthCheckPath: null,
  rateLimitPerMinute: null,
  maxConcurrency: null,
  headers: {},
  headersSealed: false,
  description: "",
  models: [],
  createdAt: at,
  updatedAt: at,
});
const group = (id: string, slug: string): GroupRow => ({
  id,
  tenantId: DEFAULT_TENANT_ID,
  slug,
  name: slug,
  description: "",
  strategy: "weighted_round_robin",
  maxAttempts: 3,
  retryOn: [429, 500, 502, 503, 504, 529],
  connectTimeoutMs: 5_000,
  firstByteTimeoutMs: 60_000,
  idleTimeoutMs: 120_000,
  totalTimeoutMs: 600_000,
  rateLimitPerMinute: null,
  enabled: true,
  capture: "off",
  captureSampleRate: 1,
  captureMaxBytes: 16_384,
  affinity: { enabled: false },
  hashHeader: null,
  createdAt: at,
  updatedAt: at,
});
const key = (id: string, name: string, groupId: string | null): ApiKeyRow => ({
  id,
  tenantId: DEFAULT_TENANT_ID,
  name,
  keyDigest: `digest-${id}`,
  keyPrefix: "sk-abcd",
  keyLast4: "wxyz",
  groupId,
  rateLimitPerMinute: null,
  maxConcurrency: null,
  capture: null,
  quota: null,
  expiresAt: null,
  enabled: true,
  note: "",
  allowedModels: [],
  lastUsedAt: null,
  createdAt: at,
  updatedAt: at,
});

const current: CurrentConfig = {
  providers: [provider("p1", "a")],
  groups: [group("g1", "old"), group("g2", "keep")],
  members: [
    {
      groupId: "g1",
      providerId: "p1",
      priority: 0,
      weight: null,
      enabled: true,
      models: [],
      modelMap: {},
      createdAt: at,
    },
  ],
  apiKeys: [key(K1, "twin", "g1"), key(K2, "twin", null), key(K3, "solo", "g1")],
};
const plan = (doc: ConfigDocumentInput, prune = false) =>
  planImport(current, configDocumentSchema.parse(doc), { prune, sameCredential: () => true });

describe("planImport", () => {
  it("matches keys by id first, refuses ambiguous names and skips unknown keys", () => {
    const result = plan({
      version: 1,
      groups: [{ slug: "keep", name: "keep" }],
      apiKeys: [{ id: K1, name: "renamed", group: "keep" }, { name: "twin" }, { name: "nobody" }],
    });
    expect(result.issues).toEqual([
      {
        path: "apiKeys[1].name",
        message: '2 existing API keys are named "twin"; add the key\'s id to choose one',
      },
    ]);
    expect(result.diff.apiKeys).toEqual({ updated: ["renamed"], unchanged: [], skipped: ["nobody"] });
  });

  it("allows pruning a group once the document moves its keys elsewhere", () => {
    const blocked = plan(
      {
        version: 1,
        providers: [{ name: "a", baseUrl: "http://127.0.0.1:9" }],
        groups: [{ slug: "keep", name: "keep" }],
      },
      true,
    );
    expect(blocked.issues.map((i) => i.message)).toEqual([
      'group "old" would be pruned but API key(s) twin, solo are scoped to it',
    ]);
    const moved = plan(
      {
        version: 1,
        providers: [{ name: "a", baseUrl: "http://127.0.0.1:9" }],
        groups: [{ slug: "keep", name: "keep", providers: [{ provider: "a" }] }],
        apiKeys: [
          { id: K1, name: "twin", group: "keep" },
          { id: K3, name: "solo", group: null },
        ],
      },
      true,
    );
    expect(moved.issues).toEqual([]);
    expect(moved.diff.groups).toEqual({ created: [], updated: ["keep"], unchanged: [], deleted: ["old"] });
    expect(moved.deleteGroups.map((g) => g.id)).toEqual(["g1"]);
  });

  it("lets memberships name stored providers unless pruning removes them", () => {
    const doc = { version: 1 as const, groups: [{ slug: "new", name: "n", providers: [{ provider: "a" }] }] };
    expect(plan(doc).issues).toEqual([]);
    expect(plan(doc, true).issues.map((i) => i.path)).toContain("groups[0].providers[0].provider");
  });
});

describe("planImportSteps", () => {
  it("pauses every few hundred entries and ends with the same plan as planImport", () => {
    const ids = Array.from(
      { length: 2_000 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    );
    const big: CurrentConfig = { ...current, apiKeys: ids.map((id, i) => key(id, `k${i}`, null)) };
    const doc = configDocumentSchema.parse({
      version: 1,
      providers: Array.from({ length: 1_200 }, (_, i) => ({
        name: `p${i}`,
        baseUrl: "https://x.example/v1",
      })),
      apiKeys: ids.map((id, i) => ({ id, name: `k${i}`, note: i % 3 === 0 ? "changed" : "" })),
    });
    const options = { prune: false, sameCredential: () => true };
    const steps = planImportSteps(big, doc, options);
    let pauses = 0;
    let step = steps.next();
    while (step.done !== true) {
      pauses++;
      step = steps.next();
    }
    // 1,200 providers and 2,000 keys at 500 entries per step, and one pause per 2,000 stored keys
    // for each of the four indexes of the keys (by id, by name, final group, holders by slug).
    expect(pauses).toBe(2 + 4 + 4);
    expect(step.value).toEqual(planImport(big, doc, options));
    expect(step.value.diff.apiKeys.updated).toHaveLength(667);
  });
});
