import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import {
  tenantCreateSchema,
  tenantMemberCreateSchema,
  tenantTokenCreateSchema,
  tenantUpdateSchema,
  type Tenant,
  type TenantMember,
  type TenantMembership,
  type TenantToken,
  type TenantTokenCreated,
} from "@/contracts/tenants";
import { AppError } from "@/core/errors/catalogue";
import { DEFAULT_TENANT_ID, type TenantTokenRole } from "@/core/vocabulary/tenants";
import type { Db } from "@/db/client";
import { tenantMembers, tenants, tenantTokens, user, type TenantRow, type TenantTokenRow } from "@/db/schema";
import { digestGatewayKey, maskGatewayKey } from "@/security/gateway-key";
import { generateTenantToken } from "@/security/tenant-token";
import { changedFields, isUuid, parseInput, type ServiceContext, type WriteContext } from "./service-context";

/** A tenant token that authenticated: the tenant it acts in and its role there. */
export interface TenantTokenIdentity {
  readonly id: string;
  readonly name: string;
  readonly tenantId: string;
  readonly role: TenantTokenRole;
}

/**
 * Tenants, their members and their admin tokens. These are system-level operations (the admin API
 * lets only system administrators call the writes); the acting-tenant lookups serve authentication.
 */
export interface TenantService {
  list(): Promise<Tenant[]>;
  get(id: string): Promise<Tenant>;
  create(by: WriteContext, input: unknown): Promise<Tenant>;
  update(by: WriteContext, id: string, input: unknown): Promise<Tenant>;
  /** Deletes a tenant and everything it owns; TENANT_IS_DEFAULT for the default tenant. */
  remove(by: WriteContext, id: string): Promise<void>;
  /** The tenant with this slug, or null. */
  findBySlug(slug: string): Promise<Tenant | null>;
  listMembers(id: string): Promise<TenantMember[]>;
  /** Adds a member or changes its role. */
  addMember(by: WriteContext, id: string, input: unknown): Promise<TenantMember>;
  removeMember(by: WriteContext, id: string, userId: string): Promise<void>;
  listTokens(id: string): Promise<TenantToken[]>;
  /** Creates a token and answers it this once (only its digest is stored). */
  createToken(by: WriteContext, id: string, input: unknown): Promise<TenantTokenCreated>;
  revokeToken(by: WriteContext, id: string, tokenId: string): Promise<void>;
  /** The tenants a user is a member of, with its role in each (empty for system users). */
  membershipsOf(userId: string): Promise<TenantMembership[]>;
  /** Resolves a presented `rbt-…` token (recording its use); null when unknown or its tenant is gone. */
  authenticateToken(token: string): Promise<TenantTokenIdentity | null>;
}

const SLUG_TAKEN = { tenants_slug_unique: "TENANT_SLUG_TAKEN" } as const;

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    enabled: row.enabled,
    quota: row.quota ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toToken(row: TenantTokenRow): TenantToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    tokenMasked: maskGatewayKey(row.tokenPrefix, row.tokenLast4),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/** Builds the tenant service over the system context (its audit rows go to the default tenant). */
export function createTenantService(ctx: ServiceContext): TenantService {
  const { db } = ctx;

  async function findRow(tx: Db, id: string, lock = false): Promise<TenantRow> {
    if (!isUuid(id)) throw new AppError("TENANT_NOT_FOUND");
    const query = tx.select().from(tenants).where(eq(tenants.id, id));
    const [row] = lock ? await query.for("update") : await query;
    if (!row) throw new AppError("TENANT_NOT_FOUND");
    return row;
  }

  async function assertSlugFree(tx: Db, slug: string, exceptId: string | null): Promise<void> {
    const [row] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug));
    if (row && row.id !== exceptId) throw new AppError("TENANT_SLUG_TAKEN", undefined, { slug });
  }

  async function members(tx: Db, tenantId: string, userId?: string): Promise<TenantMember[]> {
    const rows = await tx
      .select({ member: tenantMembers, username: user.username, name: user.name })
      .from(tenantMembers)
      .innerJoin(user, eq(user.id, tenantMembers.userId))
      .where(
        userId === undefined
          ? eq(tenantMembers.tenantId, tenantId)
          : and(eq(tenantMembers.tenantId, tenantId), eq(tenantMembers.userId, userId)),
      )
      .orderBy(asc(user.name));
    return rows.map((r) => ({
      userId: r.member.userId,
      username: r.username,
      name: r.name,
      role: r.member.role,
      createdAt: r.member.createdAt.toISOString(),
    }));
  }

  // Tenant changes alter which keys may route (a disabled tenant's keys are refused): announced as
  // config changes so every instance reloads its snapshot.
  const announce = (id: string) => ({ kind: "config" as const, id });

  return {
    async list() {
      return (await db.select().from(tenants).orderBy(asc(tenants.slug))).map(toTenant);
    },

    async get(id) {
      return toTenant(await findRow(db, id));
    },

    async findBySlug(slug) {
      const [row] = await db.select().from(tenants).where(eq(tenants.slug, slug));
      return row ? toTenant(row) : null;
    },

    create(by, input) {
      const data = parseInput(tenantCreateSchema, input);
      return ctx.write(
        by,
        async (tx) => {
          await assertSlugFree(tx, data.slug, null);
          const now = ctx.now();
          const [row] = await tx
            .insert(tenants)
            .values({ id: randomUUID(), ...data, createdAt: now, updatedAt: now })
            .returning();
          const view = toTenant(row!);
          return {
            result: view,
            audit: {
              action: "tenant.create",
              entityType: "tenant",
              entityId: view.id,
              summary: `Created tenant "${view.slug}"`,
              changes: { after: view },
            },
            announce: announce(view.id),
          };
        },
        SLUG_TAKEN,
      );
    },

    update(by, id, input) {
      const data = parseInput(tenantUpdateSchema, input);
      return ctx.write(
        by,
        async (tx) => {
          const current = await findRow(tx, id, true);
          if (
            current.id === DEFAULT_TENANT_ID &&
            (data.enabled === false || (data.slug ?? current.slug) !== current.slug)
          ) {
            throw new AppError("TENANT_IS_DEFAULT");
          }
          if (data.slug !== undefined && data.slug !== current.slug)
            await assertSlugFree(tx, data.slug, current.id);
          const [row] = await tx
            .update(tenants)
            .set({ ...data, updatedAt: ctx.now() })
            .where(eq(tenants.id, current.id))
            .returning();
          const before = toTenant(current);
          const after = toTenant(row!);
          return {
            result: after,
            audit: {
              action: "tenant.update",
              entityType: "tenant",
              entityId: current.id,
              summary: `Updated tenant "${after.slug}"`,
              changes: changedFields(before, after),
            },
            announce: announce(current.id),
          };
        },
        SLUG_TAKEN,
      );
    },

    async remove(by, id) {
      await ctx.write(by, async (tx) => {
        const current = await findRow(tx, id, true);
        if (current.id === DEFAULT_TENANT_ID) throw new AppError("TENANT_IS_DEFAULT");
        // Everything the tenant owns goes with it (foreign keys cascade).
        await tx.delete(tenants).where(eq(tenants.id, current.id));
        return {
          result: undefined,
          audit: {
            action: "tenant.delete",
            entityType: "tenant",
            entityId: current.id,
            summary: `Deleted tenant "${current.slug}" and everything it owned`,
            changes: { before: toTenant(current) },
          },
          announce: announce(current.id),
        };
      });
    },

    async listMembers(id) {
      const tenant = await findRow(db, id);
      return members(db, tenant.id);
    },

    addMember(by, id, input) {
      const data = parseInput(tenantMemberCreateSchema, input);
      return ctx.write(by, async (tx) => {
        const tenant = await findRow(tx, id, true);
        const [target] = await tx.select({ id: user.id }).from(user).where(eq(user.id, data.userId));
        if (!target) throw new AppError("USER_NOT_FOUND", undefined, { field: "userId" });
        await tx
          .insert(tenantMembers)
          .values({ tenantId: tenant.id, userId: target.id, role: data.role, createdAt: ctx.now() })
          .onConflictDoUpdate({
            target: [tenantMembers.tenantId, tenantMembers.userId],
            set: { role: data.role },
          });
        const [member] = await members(tx, tenant.id, target.id);
        return {
          result: member!,
          audit: {
            action: "tenant.member.set",
            entityType: "tenant",
            entityId: tenant.id,
            summary: `User "${member!.name}" is ${data.role} of tenant "${tenant.slug}"`,
            changes: { userId: target.id, role: data.role },
          },
          announce: announce(tenant.id),
        };
      });
    },

    async removeMember(by, id, userId) {
      await ctx.write(by, async (tx) => {
        const tenant = await findRow(tx, id, true);
        const removed = await tx
          .delete(tenantMembers)
          .where(and(eq(tenantMembers.tenantId, tenant.id), eq(tenantMembers.userId, userId)))
          .returning({ userId: tenantMembers.userId });
        if (removed.length === 0) throw new AppError("TENANT_MEMBER_NOT_FOUND");
        return {
          result: undefined,
          audit: {
            action: "tenant.member.remove",
            entityType: "tenant",
            entityId: tenant.id,
            summary: `Removed a member from tenant "${tenant.slug}"`,
            changes: { userId },
          },
          announce: announce(tenant.id),
        };
      });
    },

    async listTokens(id) {
      const tenant = await findRow(db, id);
      const rows = await db
        .select()
        .from(tenantTokens)
        .where(eq(tenantTokens.tenantId, tenant.id))
        .orderBy(asc(tenantTokens.name), asc(tenantTokens.createdAt));
      return rows.map(toToken);
    },

    createToken(by, id, input) {
      const data = parseInput(tenantTokenCreateSchema, input);
      return ctx.write(by, async (tx) => {
        const tenant = await findRow(tx, id, true);
        const generated = generateTenantToken();
        const [row] = await tx
          .insert(tenantTokens)
          .values({
            id: randomUUID(),
            tenantId: tenant.id,
            name: data.name,
            role: data.role,
            tokenDigest: generated.digest,
            tokenPrefix: generated.prefix,
            tokenLast4: generated.last4,
            createdAt: ctx.now(),
          })
          .returning();
        const view = toToken(row!);
        return {
          result: { ...view, token: generated.key },
          audit: {
            action: "tenant.token.create",
            entityType: "tenant",
            entityId: tenant.id,
            summary: `Created ${data.role} token "${data.name}" of tenant "${tenant.slug}"`,
            changes: { after: view },
          },
          announce: announce(tenant.id),
        };
      });
    },

    async revokeToken(by, id, tokenId) {
      await ctx.write(by, async (tx) => {
        const tenant = await findRow(tx, id, true);
        const removed = isUuid(tokenId)
          ? await tx
              .delete(tenantTokens)
              .where(and(eq(tenantTokens.tenantId, tenant.id), eq(tenantTokens.id, tokenId)))
              .returning()
          : [];
        if (removed.length === 0) throw new AppError("TENANT_TOKEN_NOT_FOUND");
        return {
          result: undefined,
          audit: {
            action: "tenant.token.revoke",
            entityType: "tenant",
            entityId: tenant.id,
            summary: `Revoked token "${removed[0]!.name}" of tenant "${tenant.slug}"`,
            changes: { before: toToken(removed[0]!) },
          },
          announce: announce(tenant.id),
        };
      });
    },

    async membershipsOf(userId) {
      const rows = await db
        .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, role: tenantMembers.role })
        .from(tenantMembers)
        .innerJoin(tenants, eq(tenants.id, tenantMembers.tenantId))
        .where(eq(tenantMembers.userId, userId))
        .orderBy(asc(tenants.slug));
      return rows;
    },

    async authenticateToken(token) {
      const [row] = await db
        .select({ token: tenantTokens })
        .from(tenantTokens)
        .where(eq(tenantTokens.tokenDigest, digestGatewayKey(token)));
      if (!row) return null;
      await db.update(tenantTokens).set({ lastUsedAt: ctx.now() }).where(eq(tenantTokens.id, row.token.id));
      return { id: row.token.id, name: row.token.name, tenantId: row.token.tenantId, role: row.token.role };
    },
  };
}
