import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { count } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { expect } from "vitest";
import type { z } from "zod";
import { errorBodySchema } from "@/contracts/common";
import type { Database } from "@/db/client";
import { apiKeys, auditLog, groupProviders, groups, providers } from "@/db/schema";
import { createLogger, type Logger } from "@/observability/logger";
import { createSecretBox, type SecretBox } from "@/security/secret-box";
import { sendWebResponse, toWebRequest } from "@/server/node-web-bridge";
import type { AdminServices } from "@/services/admin-services";
import { createMemoryStore, type MemoryStateStore } from "@/store/memory-store";
import { CONFIG_CHANNEL } from "@/store/types";
import {
  createTestAdminServices,
  type TestAdminServices,
  type TestAdminServicesOptions,
} from "@/testing/test-admin-services";
import { openTestDatabase, type TestDatabaseKind } from "@/testing/test-database";
import { createAuthenticator } from "@/admin-api/authenticate";
import { createAdminApi } from "@/admin-api/router";
import type { Actor } from "@/contracts/actor";

/**
 * Test support for the admin API suites: a real node:http server on 127.0.0.1 running the bridge and
 * the router over a fresh database and the whole services registry (see test-admin-services.ts).
 * Viewers sign in with a test cookie (`rb_test_session=viewer`) through `resolveSession`, standing in
 * for console sessions.
 */

export const TEST_ADMIN_TOKEN = `test-admin-token-${randomBytes(8).toString("hex")}`;
export const VIEWER_COOKIE = "rb_test_session=viewer";
/** Prefix of a test session cookie naming a user id (`rb_test_session=user:<id>`). */
export const USER_COOKIE_PREFIX = "rb_test_session=user:";

const VIEWER: Actor = { id: "viewer-user", name: "viewer", role: "viewer", via: "session" };

export interface ConfigEvent {
  kind: string;
  id: string | null;
  at: number;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body (undefined when the body is empty or not JSON). */
  body: unknown;
  /** The body validated against a contract schema (fails the test when the shape is wrong). */
  as<S extends z.ZodType>(schema: S): z.output<S>;
  /** The unified error body; fails unless the status and code are the expected ones. */
  error(status: number, code: string): { code: string; message: string; details?: unknown };
}

export interface TableCounts {
  providers: number;
  groups: number;
  members: number;
  apiKeys: number;
  audit: number;
}

export interface RequestOptions {
  /** JSON-serialized unless `raw` is given. */
  json?: unknown;
  raw?: string;
  contentType?: string;
  /** "admin" (default), "viewer", "none", or a literal bearer token. */
  as?: "admin" | "viewer" | "none" | { token: string };
  headers?: Record<string, string>;
}

export interface AdminTestServer {
  readonly origin: string;
  readonly database: Database;
  readonly services: AdminServices;
  /** The registry with the parts behind `services.health` and `services.liveStream`. */
  readonly registry: TestAdminServices;
  readonly secretBox: SecretBox;
  readonly store: MemoryStateStore;
  /** Config announcements received by a subscriber on the store, in order. */
  readonly events: ConfigEvent[];
  call(method: string, path: string, options?: RequestOptions): Promise<ApiAnswer>;
  counts(): Promise<TableCounts>;
  /** Runs a failing request and checks that no row, audit entry or announcement appeared. */
  expectNothingWritten(act: () => Promise<void>): Promise<void>;
  /** Waits (bounded) until at least `n` events arrived. */
  waitForEvents(n: number): Promise<ConfigEvent[]>;
  close(): Promise<void>;
}

/** Starts the admin API over a fresh database of `kind` on an ephemeral loopback port. */
export async function startAdminTestServer(
  kind: TestDatabaseKind,
  options: {
    maxBodyBytes?: number;
    logger?: Logger;
    /** Registry parts to use instead of the defaults (alert delivery options, a live stream…). */
    services?: Pick<TestAdminServicesOptions, "alerting" | "liveStream" | "passwords">;
  } = {},
): Promise<AdminTestServer> {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const database = await openTestDatabase(kind);
  const logger = options.logger ?? createLogger("silent");
  const store = createMemoryStore();
  const secretBox = createSecretBox({ keys: [{ id: "test", key: randomBytes(32) }], activeKeyId: "test" });
  const registry = createTestAdminServices({
    db: database.db,
    store,
    sealer: secretBox,
    logger,
    ...options.services,
  });
  const { services } = registry;
  const api = createAdminApi({
    services,
    maxBodyBytes,
    logger,
    authenticate: createAuthenticator({
      adminToken: TEST_ADMIN_TOKEN,
      resolveSession: async (request) => {
        const cookie = request.headers.get("cookie");
        if (cookie === VIEWER_COOKIE) return VIEWER;
        // `rb_test_session=user:<id>`: a session of that user (tenant membership decides the rest).
        const userId = cookie?.startsWith(USER_COOKIE_PREFIX)
          ? cookie.slice(USER_COOKIE_PREFIX.length)
          : null;
        return userId ? { id: userId, name: userId, role: "viewer", via: "session" } : null;
      },
      resolveTenantToken: (token) => services.tenants.authenticateToken(token),
    }),
  });
  const events: ConfigEvent[] = [];
  const unsubscribe = await store.subscribe(CONFIG_CHANNEL, (message) => {
    events.push(JSON.parse(message) as ConfigEvent);
  });

  const server: Server = createServer((req, res) => {
    const request = toWebRequest(req, { maxBodyBytes });
    void api
      .handle(request, { ip: req.socket.remoteAddress ?? null })
      .then((response) => sendWebResponse(res, response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const countOf = async (table: PgTable) => {
    const [row] = await database.db.select({ n: count() }).from(table);
    return Number(row?.n ?? 0);
  };

  const counts = async (): Promise<TableCounts> => ({
    providers: await countOf(providers),
    groups: await countOf(groups),
    members: await countOf(groupProviders),
    apiKeys: await countOf(apiKeys),
    audit: await countOf(auditLog),
  });

  return {
    origin,
    database,
    services,
    registry,
    secretBox,
    store,
    events,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const as = opts.as ?? "admin";
      if (as === "admin") headers.authorization = `Bearer ${TEST_ADMIN_TOKEN}`;
      else if (as === "viewer") headers.cookie = VIEWER_COOKIE;
      else if (as !== "none") headers.authorization = `Bearer ${as.token}`;
      let body: string | undefined;
      if (opts.raw !== undefined) body = opts.raw;
      else if (opts.json !== undefined) body = JSON.stringify(opts.json);
      if (body !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
      const response = await fetch(`${origin}/api/admin${path}`, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      const status = response.status;
      return {
        status,
        headers: response.headers,
        text,
        body: parsed,
        as: (schema) => schema.parse(parsed),
        error(expectedStatus, code) {
          const { error } = errorBodySchema.parse(parsed);
          expect({ status, code: error.code }).toEqual({ status: expectedStatus, code });
          return error;
        },
      };
    },
    counts,
    async expectNothingWritten(act) {
      const before = await counts();
      const eventsBefore = events.length;
      await act();
      expect(await counts()).toEqual(before);
      // Announcements are delivered asynchronously; give a stray one the chance to show up.
      await new Promise((r) => setTimeout(r, 20));
      expect(events.length).toBe(eventsBefore);
    },
    async waitForEvents(n) {
      const deadline = Date.now() + 2_000;
      while (events.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      return events;
    },
    async close() {
      await unsubscribe();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await registry.close();
      await store.close();
      // A suite may have closed the database on purpose (to provoke errors).
      await database.close().catch(() => {});
    },
  };
}
