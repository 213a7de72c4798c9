import { eq, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { z } from "zod";
import type { Actor } from "@/contracts/actor";
import { toIssues } from "@/contracts/common";
import { AppError, type ErrorCode } from "@/core/errors/catalogue";
import { EMPTY_OUTBOUND_POLICY, type OutboundPolicy } from "@/core/outbound/allow-list";
import type { Db } from "@/db/client";
import { auditLog } from "@/db/schema";
import { DEFAULT_TENANT_ID } from "@/core/vocabulary/tenants";
import type { Logger } from "@/observability/logger";
import { CONFIG_CHANNEL, type StateStore } from "@/store/types";

/** Seals provider credentials at rest (the secret box; aad = provider row id). */
export interface CredentialSealer {
  seal(plaintext: string, aad: string): string;
  open(sealed: string, aad: string): string;
}

/** Who performs a write and from where; recorded in the audit log. */
export interface WriteContext {
  readonly actor: Actor;
  readonly ip: string | null;
}

export interface ServiceDeps {
  readonly db: Db;
  readonly store: StateStore;
  readonly sealer: CredentialSealer;
  readonly logger: Logger;
  /** Clock in ms (injected so tests are deterministic). */
  readonly now?: () => number;
  /** Where provider and alert-channel URLs may point (OUTBOUND_ALLOW); default: internal refused. */
  readonly outbound?: OutboundPolicy;
  /**
   * Applies a committed routing change on THIS instance (reloads its routing snapshot); awaited
   * before a write returns, so the next proxied request here sees it (read-your-writes). Other
   * instances follow the announcement on the config channel.
   */
  readonly applyLocally?: () => Promise<void>;
  /** QUOTA_TIME_ZONE: where quota days/months and the dashboard's spend periods start (default UTC). */
  readonly timeZone?: string;
}

export interface AuditRecord {
  readonly action: string;
  readonly entityType: string;
  readonly entityId: string | null;
  readonly summary: string;
  readonly changes?: Record<string, unknown> | null;
}

export type ConfigEventKind =
  "provider" | "group" | "api_key" | "config" | "alert_rule" | "alert_channel" | "model_price";

/** What one write produced: its result, its audit row and what to announce after commit. */
export interface WriteOutcome<T> {
  readonly result: T;
  readonly audit: AuditRecord;
  readonly announce: { readonly kind: ConfigEventKind; readonly id: string | null };
}

/** Maps database constraint names to catalogue codes for a write. */
export type ConstraintCodes = Readonly<Record<string, ErrorCode>>;

// Unique violations map to 409s even when two requests race past the services' own pre-checks.
const UNIQUE_CONSTRAINTS: ConstraintCodes = {
  providers_tenant_name_unique: "PROVIDER_NAME_TAKEN",
  model_prices_model_unique: "MODEL_PRICE_EXISTS",
  groups_tenant_slug_unique: "GROUP_SLUG_TAKEN",
  group_providers_group_id_provider_id_pk: "MEMBER_EXISTS",
};

/** A table whose rows belong to a tenant. */
export interface TenantOwned {
  readonly tenantId: AnyPgColumn;
}

export interface ServiceContext {
  readonly db: Db;
  /**
   * The acting tenant: every row this context reads is filtered by it (`owned`) and every row it
   * writes carries it. A row of another tenant is as absent as a missing one (NOT_FOUND, never 403).
   */
  readonly tenantId: string;
  /** The condition "row belongs to the acting tenant"; every query of a tenant-owned table uses it. */
  owned(table: TenantOwned): SQL;
  readonly sealer: CredentialSealer;
  readonly logger: Logger;
  /** The outbound policy: URLs are checked against it at save time, probes at connect time. */
  readonly outbound: OutboundPolicy;
  /** IANA zone of quota windows and spend periods (QUOTA_TIME_ZONE). */
  readonly timeZone: string;
  now(): Date;
  /**
   * Runs `work` in one transaction that also appends its audit row, maps constraint violations to
   * catalogue errors, and announces the change on the config channel after the commit.
   */
  write<T>(by: WriteContext, work: (tx: Db) => Promise<WriteOutcome<T>>, codes?: ConstraintCodes): Promise<T>;
  /** Appends an audit row outside any other write (e.g. a secrets export). */
  record(by: WriteContext, audit: AuditRecord): Promise<void>;
}

/** Builds the context every service shares, acting in `tenantId` (the default tenant unless told). */
export function createServiceContext(
  deps: ServiceDeps,
  tenantId: string = DEFAULT_TENANT_ID,
): ServiceContext {
  const nowMs = deps.now ?? Date.now;
  const auditValues = (by: WriteContext, audit: AuditRecord) => ({
    at: new Date(nowMs()),
    tenantId,
    actorId: by.actor.id,
    actorName: by.actor.name,
    action: audit.action,
    entityType: audit.entityType,
    entityId: audit.entityId,
    summary: audit.summary,
    changes: audit.changes ?? null,
    ip: by.ip,
  });

  async function announce(kind: ConfigEventKind, id: string | null): Promise<void> {
    try {
      await deps.store.publish(CONFIG_CHANNEL, JSON.stringify({ kind, id, at: nowMs() }));
    } catch (err) {
      // The write is committed; instances that miss this catch up on their periodic reload.
      deps.logger.warn({ kind, id, errName: (err as Error)?.name }, "config change announcement failed");
    }
  }

  // Alert rules and channels are not part of the routing snapshot: nothing to apply locally.
  async function applyLocally(kind: ConfigEventKind): Promise<void> {
    if (deps.applyLocally === undefined || kind === "alert_rule" || kind === "alert_channel") return;
    try {
      await deps.applyLocally();
    } catch (err) {
      // The write is committed; the announcement and the periodic reload still bring it in.
      deps.logger.warn({ kind, errName: (err as Error)?.name }, "local routing reload after a write failed");
    }
  }

  return {
    db: deps.db,
    tenantId,
    owned: (table) => eq(table.tenantId, tenantId),
    sealer: deps.sealer,
    logger: deps.logger,
    outbound: deps.outbound ?? EMPTY_OUTBOUND_POLICY,
    timeZone: deps.timeZone ?? "UTC",
    now: () => new Date(nowMs()),
    async write(by, work, codes) {
      let outcome: Awaited<ReturnType<typeof work>>;
      try {
        outcome = await deps.db.transaction(async (tx) => {
          const out = await work(tx);
          await tx.insert(auditLog).values(auditValues(by, out.audit));
          return out;
        });
      } catch (err) {
        throw translateDatabaseError(err, { ...UNIQUE_CONSTRAINTS, ...codes }) ?? err;
      }
      await announce(outcome.announce.kind, outcome.announce.id);
      await applyLocally(outcome.announce.kind);
      return outcome.result;
    },
    async record(by, audit) {
      await deps.db.insert(auditLog).values(auditValues(by, audit));
    },
  };
}

/** Validates `input` with `schema`; throws VALIDATION_FAILED (or `code`) listing every issue. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: "VALIDATION_FAILED" | "INVALID_QUERY" = "VALIDATION_FAILED",
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError(code, undefined, { issues: toIssues(result.error) });
  }
  return result.data;
}

interface PgErrorFields {
  code: string;
  constraint: string | null;
}

/** Finds the driver's PostgreSQL error (postgres.js or PGlite) under Drizzle's wrapper. */
export function findPgError(err: unknown): PgErrorFields | null {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const fields = current as {
      code?: unknown;
      constraint?: unknown;
      constraint_name?: unknown;
      cause?: unknown;
    };
    if (typeof fields.code === "string" && /^[0-9A-Z]{5}$/.test(fields.code)) {
      const constraint = fields.constraint ?? fields.constraint_name;
      return { code: fields.code, constraint: typeof constraint === "string" ? constraint : null };
    }
    current = fields.cause;
  }
  return null;
}

/** Turns a unique or foreign-key violation into its catalogue error; null for anything else. */
export function translateDatabaseError(err: unknown, codes: ConstraintCodes): AppError | null {
  const pg = findPgError(err);
  if (!pg || (pg.code !== "23505" && pg.code !== "23503") || !pg.constraint) return null;
  const code = codes[pg.constraint];
  return code ? new AppError(code) : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID (other ids can never name a row, and PostgreSQL would reject them). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The fields whose values differ between two views, as `{ field: { from, to } }`. */
export function changedFields<T extends Record<string, unknown>>(
  before: T,
  after: T,
  ignore: readonly string[] = ["updatedAt"],
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after)) {
    if (ignore.includes(key)) continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes[key] = { from: before[key], to: after[key] };
    }
  }
  return changes;
}
