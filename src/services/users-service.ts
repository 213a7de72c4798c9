import { randomBytes } from "node:crypto";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import {
  passwordChangeSchema,
  passwordResetSchema,
  userCreateSchema,
  userRoleUpdateSchema,
  type User,
} from "@/contracts/users";
import { AppError } from "@/core/errors/catalogue";
import type { Db } from "@/db/client";
import {
  DEFAULT_SIGN_IN_MAX_ATTEMPTS,
  DEFAULT_SIGN_IN_WINDOW_MS,
  type UserRole,
} from "@/core/vocabulary/users";
import type { StateStore } from "@/store/types";
import { account, auditLog, session, user, type UserRow } from "@/db/schema";
import { parseInput, translateDatabaseError, type WriteContext } from "./service-context";

/** Hashing as better-auth does it (scrypt), so sign-in verifies what we store (`AppAuth` fits). */
/** Names the advisory lock that serialises user writes (see lockUser). */
const USER_WRITES_LOCK_ID = 727_002;

export interface PasswordHasher {
  hashPassword(password: string): Promise<string>;
  verifyPassword(hash: string, password: string): Promise<boolean>;
}

export interface UsersServiceDeps {
  readonly db: Db;
  readonly passwords: PasswordHasher;
  /**
   * Counts own-password-change attempts like sign-in (`changeOwnPassword`); the admin API always
   * passes it. Without one (start-up bootstrap, which changes no own password) nothing is throttled.
   */
  readonly store?: StateStore;
  /** Attempts per window for `changeOwnPassword` (default: sign-in's lockout, 5 per 15 minutes). */
  readonly passwordAttempts?: { readonly max: number; readonly windowMs: number };
  /** Clock in ms (injected so tests are deterministic). */
  readonly now?: () => number;
}

export interface UsersService {
  /** Every user by username, without secrets. */
  list(): Promise<User[]>;
  /** One user; USER_NOT_FOUND when missing. */
  get(id: string): Promise<User>;
  /** Creates a user with a password; USERNAME_TAKEN / EMAIL_TAKEN on duplicates. */
  create(by: WriteContext, input: unknown): Promise<User>;
  /** Changes a role; LAST_ADMIN when it would demote the last admin. */
  updateRole(by: WriteContext, id: string, input: unknown): Promise<User>;
  /** Sets a new password and signs the user out everywhere. */
  resetPassword(by: WriteContext, id: string, input: unknown): Promise<void>;
  /** Deletes a user and their sessions; LAST_ADMIN when it is the last admin. */
  remove(by: WriteContext, id: string): Promise<void>;
  /** The caller changes their own password (current one required) and is signed out everywhere. */
  changeOwnPassword(by: WriteContext, input: unknown): Promise<void>;
}

/** Placeholder address for users created without one (better-auth requires an e-mail; `.invalid` never resolves). */
export const NO_EMAIL_DOMAIN = "users.roundabout.invalid";
const CREDENTIAL_PROVIDER = "credential";
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const UNIQUE_CODES = { user_username_unique: "USERNAME_TAKEN", user_email_unique: "EMAIL_TAKEN" } as const;

interface AuditEntry {
  action: string;
  entityId: string;
  summary: string;
  changes?: Record<string, unknown>;
}

/** User administration over better-auth's tables: validation, last-admin guard, audit. */
export function createUsersService(deps: UsersServiceDeps): UsersService {
  const { db, passwords } = deps;
  const nowMs = deps.now ?? Date.now;

  async function audit(tx: Db, by: WriteContext, entry: AuditEntry): Promise<void> {
    await tx.insert(auditLog).values({
      at: new Date(nowMs()),
      actorId: by.actor.id,
      actorName: by.actor.name,
      action: entry.action,
      entityType: "user",
      entityId: entry.entityId,
      summary: entry.summary,
      changes: entry.changes ?? null,
      ip: by.ip,
    });
  }

  async function transact<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    try {
      return await db.transaction(work);
    } catch (err) {
      throw translateDatabaseError(err, UNIQUE_CODES) ?? err;
    }
  }

  async function lockUser(tx: Db, id: string): Promise<UserRow> {
    // User writes are rare; serialising them behind one transaction-scoped advisory lock (taken before
    // any row lock) rules out the deadlock two crossed demotions would otherwise hit, and lets the
    // second one see the first's result.
    await tx.execute(sql`select pg_advisory_xact_lock(${USER_WRITES_LOCK_ID})`);
    const [row] = USER_ID.test(id) ? await tx.select().from(user).where(eq(user.id, id)).for("update") : [];
    if (!row) throw new AppError("USER_NOT_FOUND");
    return row;
  }

  /** Refuses when `row` is an admin and no other admin would remain. */
  async function assertNotLastAdmin(tx: Db, row: UserRow): Promise<void> {
    if (row.role !== "admin") return;
    const others = await tx
      .select({ id: user.id })
      .from(user)
      .where(and(eq(user.role, "admin"), ne(user.id, row.id)))
      .for("update");
    if (others.length === 0) throw new AppError("LAST_ADMIN");
  }

  async function setPassword(tx: Db, userId: string, hash: string): Promise<void> {
    const now = new Date(nowMs());
    const updated = await tx
      .update(account)
      .set({ password: hash, updatedAt: now })
      .where(and(eq(account.userId, userId), eq(account.providerId, CREDENTIAL_PROVIDER)))
      .returning({ id: account.id });
    if (updated.length === 0) {
      await tx.insert(account).values({
        id: newId(),
        accountId: userId,
        providerId: CREDENTIAL_PROVIDER,
        userId,
        password: hash,
        createdAt: now,
        updatedAt: now,
      });
    }
    // Sessions live only in this table (no cookie cache): deleting them signs the user out at once.
    await tx.delete(session).where(eq(session.userId, userId));
  }

  return {
    async list() {
      const rows = await db.select().from(user).orderBy(asc(user.username), asc(user.createdAt));
      return rows.map(toUser);
    },

    async get(id) {
      const [row] = USER_ID.test(id) ? await db.select().from(user).where(eq(user.id, id)) : [];
      if (!row) throw new AppError("USER_NOT_FOUND");
      return toUser(row);
    },

    async create(by, input) {
      const data = parseInput(userCreateSchema, input);
      const username = data.username.toLowerCase();
      const email = (data.email ?? `${username}@${NO_EMAIL_DOMAIN}`).toLowerCase();
      // scrypt is slow by design: hash before the transaction so it holds no locks meanwhile.
      const hash = await passwords.hashPassword(data.password);
      return transact(async (tx) => {
        const [taken] = await tx.select({ id: user.id }).from(user).where(eq(user.username, username));
        if (taken) throw new AppError("USERNAME_TAKEN", undefined, { username });
        const [emailTaken] = await tx.select({ id: user.id }).from(user).where(eq(user.email, email));
        if (emailTaken) throw new AppError("EMAIL_TAKEN");
        const id = newId();
        const now = new Date(nowMs());
        const [row] = await tx
          .insert(user)
          .values({
            id,
            name: data.username,
            email,
            emailVerified: false,
            username,
            displayUsername: data.username,
            role: data.role,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (!row) throw new AppError("INTERNAL_ERROR");
        await setPassword(tx, id, hash);
        await audit(tx, by, {
          action: "user.create",
          entityId: id,
          summary: `Created ${data.role} user ${username}`,
          changes: { username, role: data.role, email: data.email ? email : null },
        });
        return toUser(row);
      });
    },

    async updateRole(by, id, input) {
      const { role } = parseInput(userRoleUpdateSchema, input);
      return transact(async (tx) => {
        const before = await lockUser(tx, id);
        if (before.role === role) return toUser(before);
        if (role !== "admin") await assertNotLastAdmin(tx, before);
        const [row] = await tx
          .update(user)
          .set({ role, updatedAt: new Date(nowMs()) })
          .where(eq(user.id, id))
          .returning();
        if (!row) throw new AppError("USER_NOT_FOUND");
        await audit(tx, by, {
          action: "user.role",
          entityId: id,
          summary: `Changed role of ${row.username ?? row.name} to ${role}`,
          changes: { role: { from: before.role, to: role } },
        });
        return toUser(row);
      });
    },

    async resetPassword(by, id, input) {
      const { password } = parseInput(passwordResetSchema, input);
      const hash = await passwords.hashPassword(password);
      await transact(async (tx) => {
        const row = await lockUser(tx, id);
        await setPassword(tx, id, hash);
        await audit(tx, by, {
          action: "user.password.reset",
          entityId: id,
          summary: `Reset the password of ${row.username ?? row.name}`,
        });
      });
    },

    async remove(by, id) {
      await transact(async (tx) => {
        const row = await lockUser(tx, id);
        await assertNotLastAdmin(tx, row);
        // Sessions and accounts go with the user (ON DELETE CASCADE).
        await tx.delete(user).where(eq(user.id, id));
        await audit(tx, by, {
          action: "user.delete",
          entityId: id,
          summary: `Deleted ${row.role} user ${row.username ?? row.name}`,
        });
      });
    },

    async changeOwnPassword(by, input) {
      const userId = by.actor.id;
      if (by.actor.via !== "session" || !userId) {
        throw new AppError("FORBIDDEN", "Only a signed-in console user can change their own password.");
      }
      const data = parseInput(passwordChangeSchema, input);
      // Counted before the current password is checked, atomically (as sign-in does): a stolen session
      // gets as few guesses at the password as a sign-in form, concurrent guesses included.
      if (deps.store) {
        const { max, windowMs } = deps.passwordAttempts ?? {
          max: DEFAULT_SIGN_IN_MAX_ATTEMPTS,
          windowMs: DEFAULT_SIGN_IN_WINDOW_MS,
        };
        const hit = await deps.store.hitSlidingWindow(`auth:password:${userId}`, max, windowMs);
        if (!hit.allowed) {
          throw new AppError(
            "TOO_MANY_LOGIN_ATTEMPTS",
            "Too many password change attempts; try again later.",
            {
              retryAfterSeconds: Math.max(1, Math.ceil(hit.retryAfterMs / 1000)),
            },
          );
        }
      }
      const [current] = await db
        .select({ hash: account.password })
        .from(account)
        .where(and(eq(account.userId, userId), eq(account.providerId, CREDENTIAL_PROVIDER)));
      const valid = current?.hash
        ? await passwords.verifyPassword(current.hash, data.currentPassword)
        : false;
      if (!valid) throw new AppError("INVALID_CURRENT_PASSWORD");
      const hash = await passwords.hashPassword(data.newPassword);
      await transact(async (tx) => {
        const row = await lockUser(tx, userId);
        await setPassword(tx, userId, hash);
        await audit(tx, by, {
          action: "user.password.change",
          entityId: userId,
          summary: `${row.username ?? row.name} changed their password`,
        });
      });
    },
  };
}

/** A user row as the API shows it. */
export function toUser(row: UserRow): User {
  const username = row.username ?? row.name;
  return {
    id: row.id,
    username,
    displayUsername: row.displayUsername ?? username,
    email: row.email.endsWith(`@${NO_EMAIL_DOMAIN}`) ? null : row.email,
    role: row.role satisfies UserRole,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** 32 URL-safe characters, like better-auth's own ids. */
function newId(): string {
  return randomBytes(24).toString("base64url");
}
