import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import { AppError, type ErrorCode } from "@/core/errors/catalogue";
import type { Db } from "@/db/client";
import {
  changedFields,
  isUuid,
  type ConfigEventKind,
  type ConstraintCodes,
  type ServiceContext,
  type WriteContext,
} from "./service-context";

/**
 * The CRUD steps every named control-plane resource shares (providers, alert rules and channels): find
 * a row by id (missing or malformed ids are the same NOT_FOUND), keep names unique, and run each write
 * in one transaction with its audit row (`<kind>.create|update|delete`) and a config announcement. The
 * services keep what is theirs: validation, the row ⇄ view mapping and what a write must check first.
 */

/** A table of named resources: a uuid `id`, its tenant and a `name` unique in it, read back as `Row`. */
export type NamedTable<Row> = PgTable & {
  readonly id: AnyPgColumn;
  readonly tenantId: AnyPgColumn;
  readonly name: AnyPgColumn;
  readonly $inferSelect: Row;
};

export interface ResourceSpec<Row> {
  readonly table: NamedTable<Row>;
  /** Audit entity type and announcement kind, e.g. `alert_rule`. */
  readonly kind: ConfigEventKind;
  /** How audit summaries name one, e.g. `alert rule`. */
  readonly label: string;
  readonly notFound: ErrorCode;
  readonly nameTaken: ErrorCode;
  /** Constraint names mapped to catalogue codes for every write (unique names, foreign keys). */
  readonly codes?: ConstraintCodes;
}

/** What an update produced: the views before and after, and audit changes beyond the changed fields. */
export interface UpdateResult<View> {
  readonly before: View;
  readonly after: View;
  readonly extraChanges?: Record<string, unknown>;
}

/** What a delete records: the view of the row it removes, and a note appended to the summary. */
export interface RemoveRecord {
  readonly before: unknown;
  readonly note?: string;
}

export interface ResourceCrud<Row extends { id: string; name: string }> {
  /** The row with this id, locked for update when `lock`; the spec's NOT_FOUND when there is none. */
  find(tx: Db, id: string, lock: boolean): Promise<Row>;
  /**
   * Creates one: refuses a taken name, runs `insert` with a new id and the current time, audits the
   * view it answers (summary from `summary`) and announces it.
   */
  create<View>(
    by: WriteContext,
    name: string,
    insert: (tx: Db, id: string, now: Date) => Promise<View>,
    summary: (view: View) => string,
  ): Promise<View>;
  /** Updates one: locks it, refuses a new name that is taken, runs `change`, audits what changed. */
  update<View extends { name: string }>(
    by: WriteContext,
    id: string,
    name: string | undefined,
    change: (tx: Db, current: Row) => Promise<UpdateResult<View>>,
  ): Promise<View>;
  /** Deletes one: locks it, runs `prepare` (refusals, clean-up; may throw), deletes the row, audits. */
  remove(
    by: WriteContext,
    id: string,
    prepare: (tx: Db, current: Row) => Promise<RemoveRecord>,
  ): Promise<void>;
}

/** Builds the shared CRUD steps over one table of named resources. */
export function createResourceCrud<Row extends { id: string; name: string }>(
  ctx: ServiceContext,
  spec: ResourceSpec<Row>,
): ResourceCrud<Row> {
  const { table, kind, label } = spec;

  async function find(tx: Db, id: string, lock: boolean): Promise<Row> {
    if (!isUuid(id)) throw new AppError(spec.notFound);
    const query = tx
      .select()
      .from(table)
      .where(and(eq(table.id, id), ctx.owned(table)));
    const [row] = (lock ? await query.for("update") : await query) as Row[];
    if (!row) throw new AppError(spec.notFound);
    return row;
  }

  async function assertNameFree(tx: Db, name: string, exceptId: string | null): Promise<void> {
    const [row] = await tx
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.name, name), ctx.owned(table)));
    if (row && row.id !== exceptId) throw new AppError(spec.nameTaken, undefined, { name });
  }

  return {
    find,

    create(by, name, insert, summary) {
      return ctx.write(
        by,
        async (tx) => {
          await assertNameFree(tx, name, null);
          const id = randomUUID();
          const view = await insert(tx, id, ctx.now());
          return {
            result: view,
            audit: {
              action: `${kind}.create`,
              entityType: kind,
              entityId: id,
              summary: summary(view),
              changes: { after: view },
            },
            announce: { kind, id },
          };
        },
        spec.codes,
      );
    },

    update(by, id, name, change) {
      return ctx.write(
        by,
        async (tx) => {
          const current = await find(tx, id, true);
          if (name !== undefined && name !== current.name) await assertNameFree(tx, name, current.id);
          const { before, after, extraChanges } = await change(tx, current);
          return {
            result: after,
            audit: {
              action: `${kind}.update`,
              entityType: kind,
              entityId: current.id,
              summary: `Updated ${label} "${after.name}"`,
              changes: { ...changedFields(before, after), ...extraChanges },
            },
            announce: { kind, id: current.id },
          };
        },
        spec.codes,
      );
    },

    async remove(by, id, prepare) {
      await ctx.write(
        by,
        async (tx) => {
          const current = await find(tx, id, true);
          const { before, note } = await prepare(tx, current);
          await tx.delete(table).where(eq(table.id, current.id));
          return {
            result: undefined,
            audit: {
              action: `${kind}.delete`,
              entityType: kind,
              entityId: current.id,
              summary: `Deleted ${label} "${current.name}"${note ?? ""}`,
              changes: { before },
            },
            announce: { kind, id: current.id },
          };
        },
        spec.codes,
      );
    },
  };
}
