import { randomBytes } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import type { Database, Db } from "../db/client";
import { apiKeys, groupProviders, groups, providers, requestLogs } from "../db/schema";
import { DEFAULT_RETRY_STATUSES, DEFAULT_STRATEGY, type StrategyName } from "../core/vocabulary/balancing";
import type { AuthStyle } from "../core/vocabulary/providers";
import type { GroupRow, ProviderRow, RequestLogRow } from "../db/schema";
import type { GroupAffinity } from "../db/schema/groups";
import { createGateway, type Gateway, type GatewayDeps } from "../gateway/create-gateway";
import type { GatewayOptions, HealthHooks } from "../gateway/gateway-types";
import type { LogWriterOptions } from "../gateway/log-writer";
import { startGatewayOnlyServer, type GatewayOnlyServer } from "./start-gateway-only";
import { createLogger } from "../observability/logger";
import { generateGatewayKey } from "../security/gateway-key";
import { createSecretBox, keyIdOf, type SecretBox } from "../security/secret-box";
import { createServiceContext, type ServiceContext } from "../services/service-context";
import { createGatewayWithHealth, type HealthSettings } from "../health/create-gateway-with-health";
import type { ActiveChecker } from "../health/active-checker";
import type { GatewayHealth } from "../health/gateway-health";
import { createMemoryStore, type MemoryStateStore } from "../store/memory-store";
import { CONFIG_CHANNEL, type StateStore } from "../store/types";
import type { OutboundPolicy } from "../core/outbound/allow-list";
import { loopbackOutboundPolicy } from "./loopback-outbound";
import { openTestDatabase, type TestDatabaseKind } from "./test-database";
import { expandAttempts } from "../stats/attempt-codec";

/**
 * A gateway on 127.0.0.1:0 over a fresh test database and a memory store, with helpers that seed
 * providers, groups, memberships and keys by direct inserts. Provider credentials are sealed with a
 * real secret box (random key per harness). Every log line the gateway writes is kept in `logLines`.
 */

export interface GatewayHarnessOptions {
  readonly database?: TestDatabaseKind;
  readonly gatewayOptions?: Partial<GatewayOptions>;
  readonly logWriterOptions?: Omit<LogWriterOptions, "db" | "logger">;
  readonly health?: Partial<HealthHooks>;
  /** Runs the real health layer (src/health) with these settings instead of bare hooks. */
  readonly healthLayer?: HealthSettings;
  /** State store to use (closed by the harness); default a fresh memory store. */
  readonly store?: StateStore;
  readonly random?: () => number;
  /** Outbound policy of the gateway and its services (default: loopback allowed, as OUTBOUND_ALLOW=127.0.0.0/8,::1). */
  readonly outbound?: OutboundPolicy;
}

export interface ProviderSeed {
  /** Owning tenant; the default tenant when absent. */
  tenantId?: string;
  name?: string;
  baseUrl: string;
  /** Plain credential; sealed before insert. Null/absent = no credential. */
  apiKey?: string | null;
  authStyle?: AuthStyle;
  weight?: number;
  enabled?: boolean;
  headers?: Record<string, string>;
  healthCheckPath?: string | null;
  rateLimitPerMinute?: number | null;
  maxConcurrency?: number | null;
  models?: string[];
}

export interface GroupSeed {
  /** Owning tenant; the default tenant when absent. */
  tenantId?: string;
  slug?: string;
  strategy?: StrategyName;
  maxAttempts?: number;
  retryOn?: number[];
  connectTimeoutMs?: number;
  firstByteTimeoutMs?: number;
  idleTimeoutMs?: number;
  totalTimeoutMs?: number;
  enabled?: boolean;
  rateLimitPerMinute?: number | null;
  affinity?: GroupAffinity;
  hashHeader?: string | null;
}

export interface KeySeed {
  /** Owning tenant; the default tenant when absent. */
  tenantId?: string;
  /** Display name (unique generated one when absent). */
  name?: string;
  groupId?: string | null;
  rateLimitPerMinute?: number | null;
  maxConcurrency?: number | null;
  expiresAt?: Date | null;
  enabled?: boolean;
  allowedModels?: string[];
}

/** A membership's seed fields. */
export interface MemberSeed {
  priority?: number;
  weight?: number | null;
  enabled?: boolean;
  models?: string[];
  modelMap?: Record<string, string>;
}

export interface GatewayHarness {
  /** Base URL of the gateway server, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly gateway: Gateway;
  readonly server: GatewayOnlyServer;
  readonly database: Database;
  readonly db: Db;
  readonly store: StateStore;
  /** The same store when it is the default memory store (for introspection), else null. */
  readonly memoryStore: MemoryStateStore | null;
  /** The health layer and checker, when started with `healthLayer`. */
  readonly health: GatewayHealth | null;
  readonly checker: ActiveChecker | null;
  readonly secretBox: SecretBox;
  /** Raw JSON lines the gateway logged. */
  readonly logLines: string[];
  /** `${url}/api/proxy/${slug}${path}` */
  proxyUrl(slug: string, path?: string): string;
  addProvider(seed: ProviderSeed): Promise<ProviderRow>;
  addGroup(seed?: GroupSeed): Promise<GroupRow>;
  addMember(groupId: string, providerId: string, seed?: MemberSeed): Promise<void>;
  /** Creates a gateway key; returns its id and the full key. */
  addKey(seed?: KeySeed): Promise<{ id: string; key: string }>;
  /** Reloads the routing snapshot now. */
  reload(): Promise<void>;
  /**
   * The usual setup in one call: a provider, a group with it as the only member and a key, then a
   * snapshot reload — so `proxyUrl(slug)` with `key` reaches that provider.
   */
  addRoute(seed: ProviderSeed): Promise<{ slug: string; key: string; groupId: string; providerId: string }>;
  /** Announces a config change on the store, as the admin API does. */
  publishConfigChange(): Promise<void>;
  /** A control-plane service context over this database, store and secret box (silent logger). */
  serviceContext(): ServiceContext;
  /** Flushes the log writer and returns every request-log row, newest first. */
  requestLogs(): Promise<RequestLogRow[]>;
  close(): Promise<void>;
}

let seq = 0;
const uniq = (prefix: string) => `${prefix}-${++seq}-${randomBytes(3).toString("hex")}`;

/** Starts a harness; call close() in afterAll. */
export async function startGatewayHarness(options: GatewayHarnessOptions = {}): Promise<GatewayHarness> {
  const database = await openTestDatabase(options.database ?? "pglite");
  const db = database.db;
  const memoryStore = options.store === undefined ? createMemoryStore() : null;
  const store: StateStore = options.store ?? memoryStore!;
  const key = randomBytes(32);
  const secretBox = createSecretBox({ keys: [{ id: keyIdOf(key), key }], activeKeyId: keyIdOf(key) });
  const outbound = options.outbound ?? loopbackOutboundPolicy();
  const logLines: string[] = [];
  const logger = createLogger("debug", { write: (line: string) => void logLines.push(line) });
  const deps: GatewayDeps = {
    db,
    store,
    logger,
    openCredential: (sealed, providerId) => secretBox.open(sealed, providerId),
    outbound,
    options: { reloadIntervalMs: 0, ...options.gatewayOptions },
    logWriterOptions: { flushIntervalMs: 50, blobCopy: database.blobCopy, ...options.logWriterOptions },
    ...(options.health ? { health: options.health } : {}),
    ...(options.random ? { random: options.random } : {}),
  };
  let gateway: Gateway;
  let health: GatewayHealth | null = null;
  let checker: ActiveChecker | null = null;
  let server: GatewayOnlyServer;
  if (options.healthLayer !== undefined) {
    const { health: _hooks, ...rest } = deps;
    const wired = createGatewayWithHealth({ ...rest, health: options.healthLayer });
    ({ gateway, health, checker } = wired);
    await wired.ready();
    server = await startGatewayOnlyServer({ gateway, port: 0, host: "127.0.0.1" });
    const closeServer = server.close;
    server = { ...server, close: () => closeServer().then(() => wired.close()) };
  } else {
    gateway = createGateway(deps);
    server = await startGatewayOnlyServer({ gateway, port: 0, host: "127.0.0.1" });
  }

  const harness: GatewayHarness = {
    url: server.url,
    gateway,
    server,
    database,
    db,
    store,
    memoryStore,
    health,
    checker,
    secretBox,
    logLines,
    proxyUrl: (slug, path = "") => `${server.url}/api/proxy/${slug}${path}`,
    async addProvider(seed) {
      const [row] = await db
        .insert(providers)
        .values({
          ...(seed.tenantId === undefined ? null : { tenantId: seed.tenantId }),
          name: seed.name ?? uniq("provider"),
          baseUrl: seed.baseUrl,
          authStyle: seed.authStyle ?? "bearer",
          weight: seed.weight ?? 1,
          enabled: seed.enabled ?? true,
          headers: seed.headers ?? {},
          healthCheckPath: seed.healthCheckPath ?? null,
          rateLimitPerMinute: seed.rateLimitPerMinute ?? null,
          maxConcurrency: seed.maxConcurrency ?? null,
          models: seed.models ?? [],
        })
        .returning();
      if (!row) throw new Error("provider insert returned nothing");
      if (seed.apiKey === undefined || seed.apiKey === null) return row;
      const sealed = secretBox.seal(seed.apiKey, row.id);
      const [updated] = await db
        .update(providers)
        .set({ apiKeyCipher: sealed, apiKeyLast4: seed.apiKey.slice(-4) })
        .where(eq(providers.id, row.id))
        .returning();
      return updated ?? row;
    },
    async addGroup(seed = {}) {
      const [row] = await db
        .insert(groups)
        .values({
          ...(seed.tenantId === undefined ? null : { tenantId: seed.tenantId }),
          slug: seed.slug ?? uniq("group"),
          name: seed.slug ?? "test group",
          strategy: seed.strategy ?? DEFAULT_STRATEGY,
          maxAttempts: seed.maxAttempts ?? 3,
          retryOn: seed.retryOn ?? [...DEFAULT_RETRY_STATUSES],
          connectTimeoutMs: seed.connectTimeoutMs ?? 2_000,
          firstByteTimeoutMs: seed.firstByteTimeoutMs ?? 10_000,
          idleTimeoutMs: seed.idleTimeoutMs ?? 10_000,
          totalTimeoutMs: seed.totalTimeoutMs ?? 20_000,
          enabled: seed.enabled ?? true,
          rateLimitPerMinute: seed.rateLimitPerMinute ?? null,
          affinity: seed.affinity ?? { enabled: false },
          hashHeader: seed.hashHeader ?? null,
        })
        .returning();
      if (!row) throw new Error("group insert returned nothing");
      return row;
    },
    async addMember(groupId, providerId, seed = {}) {
      await db.insert(groupProviders).values({
        groupId,
        providerId,
        priority: seed.priority ?? 0,
        weight: seed.weight ?? null,
        enabled: seed.enabled ?? true,
        models: seed.models ?? [],
        modelMap: seed.modelMap ?? {},
      });
    },
    async addKey(seed = {}) {
      const generated = generateGatewayKey();
      const [row] = await db
        .insert(apiKeys)
        .values({
          ...(seed.tenantId === undefined ? null : { tenantId: seed.tenantId }),
          name: seed.name ?? uniq("key"),
          keyDigest: generated.digest,
          keyPrefix: generated.prefix,
          keyLast4: generated.last4,
          groupId: seed.groupId ?? null,
          rateLimitPerMinute: seed.rateLimitPerMinute ?? null,
          maxConcurrency: seed.maxConcurrency ?? null,
          expiresAt: seed.expiresAt ?? null,
          enabled: seed.enabled ?? true,
          allowedModels: seed.allowedModels ?? [],
        })
        .returning({ id: apiKeys.id });
      if (!row) throw new Error("key insert returned nothing");
      return { id: row.id, key: generated.key };
    },
    reload: () => gateway.reload(),
    async addRoute(seed) {
      const p = await harness.addProvider(seed);
      const g = await harness.addGroup();
      await harness.addMember(g.id, p.id);
      const { key } = await harness.addKey();
      await gateway.reload();
      return { slug: g.slug, key, groupId: g.id, providerId: p.id };
    },
    publishConfigChange: () => store.publish(CONFIG_CHANNEL, JSON.stringify({ at: Date.now() })),
    serviceContext: () =>
      createServiceContext({ db, store, sealer: secretBox, logger: createLogger("silent"), outbound }),
    async requestLogs() {
      await gateway.logWriter.flush();
      const rows = await db.select().from(requestLogs).orderBy(desc(requestLogs.createdAt));
      // Attempts are stored compact: tests see them as the gateway wrote them.
      return rows.map((r) => ({ ...r, attempts: expandAttempts(r.attempts, r.providerId) }));
    },
    async close() {
      await server.close();
      await store.close();
      await database.close();
    },
  };
  return harness;
}

/** A minimal OpenAI chat request every mock upstream answers. */
export const CHAT_BODY: Readonly<Record<string, unknown>> = {
  model: "m",
  messages: [{ role: "user", content: "hi" }],
};

/**
 * POSTs a JSON body to a gateway URL with `x-api-key` and reads the answer to its end; returns the
 * status. A body that breaks off (an upstream cut mid-stream) still counts as answered.
 */
export async function postToGateway(
  url: string,
  key: string,
  body: Readonly<Record<string, unknown>>,
): Promise<number> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  await res.text().catch(() => "");
  return res.status;
}
