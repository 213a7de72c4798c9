import { randomUUID } from "node:crypto";
import { asc, eq, inArray, sql } from "drizzle-orm";
import {
  modelPriceCreateSchema,
  modelPriceImportBodySchema,
  modelPriceUpdateSchema,
  type ModelPrice,
  type ModelPriceImportResult,
} from "@/contracts/model-prices";
import { AppError } from "@/core/errors/catalogue";
import { microsToUsd, usdToMicros } from "@/core/cost/money";
import { fromLiteLlmPrices } from "@/core/cost/litellm-prices";
import type { Db } from "@/db/client";
import { modelPrices, type ModelPriceRow } from "@/db/schema";
import { changedFields, isUuid, parseInput, type ServiceContext, type WriteContext } from "./service-context";

/**
 * The price book's rows (`/model-prices`): USD per million tokens over the API, integer micros in the
 * table. Every write announces `model_price`, so each instance rebuilds its routing snapshot (where
 * the gateway reads prices) — the request path never queries this table.
 */
export interface ModelPriceService {
  list(): Promise<ModelPrice[]>;
  get(id: string): Promise<ModelPrice>;
  create(by: WriteContext, input: unknown): Promise<ModelPrice>;
  update(by: WriteContext, id: string, input: unknown): Promise<ModelPrice>;
  remove(by: WriteContext, id: string): Promise<void>;
  /** Upserts every priced entry of a LiteLLM price file (none deleted). */
  importLiteLlm(by: WriteContext, input: unknown): Promise<ModelPriceImportResult>;
}

const SKIPPED_SHOWN = 20;
/** Rows per insert statement on import (LiteLLM's file has ~2,000 priced entries). */
const IMPORT_CHUNK = 500;

/** Row → API view (USD per million tokens). */
export function toModelPrice(row: ModelPriceRow): ModelPrice {
  const usd = (micros: number | null) => (micros === null ? null : microsToUsd(Number(micros)));
  return {
    id: row.id,
    model: row.model,
    inputPerMTok: microsToUsd(Number(row.inputPerMTokMicros)),
    outputPerMTok: microsToUsd(Number(row.outputPerMTokMicros)),
    cacheReadPerMTok: usd(row.cacheReadPerMTokMicros),
    cacheWritePerMTok: usd(row.cacheWritePerMTokMicros),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** USD (validated by the contract) → micros. */
function micros(usd: number): number {
  return usdToMicros(usd) ?? 0;
}

function microsOrNull(usd: number | null): number | null {
  return usd === null ? null : micros(usd);
}

/** Creates the model price service. */
export function createModelPriceService(ctx: ServiceContext): ModelPriceService {
  async function find(tx: Db, id: string): Promise<ModelPriceRow> {
    if (!isUuid(id)) throw new AppError("MODEL_PRICE_NOT_FOUND");
    const [row] = await tx.select().from(modelPrices).where(eq(modelPrices.id, id)).for("update");
    if (row === undefined) throw new AppError("MODEL_PRICE_NOT_FOUND");
    return row;
  }

  return {
    async list() {
      const rows = await ctx.db.select().from(modelPrices).orderBy(asc(modelPrices.model));
      return rows.map(toModelPrice);
    },

    async get(id) {
      if (!isUuid(id)) throw new AppError("MODEL_PRICE_NOT_FOUND");
      const [row] = await ctx.db.select().from(modelPrices).where(eq(modelPrices.id, id));
      if (row === undefined) throw new AppError("MODEL_PRICE_NOT_FOUND");
      return toModelPrice(row);
    },

    async create(by, input) {
      const data = parseInput(modelPriceCreateSchema, input);
      return ctx.write(by, async (tx) => {
        const now = ctx.now();
        const id = randomUUID();
        const [row] = await tx
          .insert(modelPrices)
          .values({
            id,
            model: data.model,
            inputPerMTokMicros: micros(data.inputPerMTok),
            outputPerMTokMicros: micros(data.outputPerMTok),
            cacheReadPerMTokMicros: microsOrNull(data.cacheReadPerMTok),
            cacheWritePerMTokMicros: microsOrNull(data.cacheWritePerMTok),
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        const price = toModelPrice(row!);
        return {
          result: price,
          audit: {
            action: "model_price.create",
            entityType: "model_price",
            entityId: id,
            summary: `Priced model "${price.model}"`,
            changes: { after: price },
          },
          announce: { kind: "model_price", id },
        };
      });
    },

    async update(by, id, input) {
      const data = parseInput(modelPriceUpdateSchema, input);
      return ctx.write(by, async (tx) => {
        const current = await find(tx, id);
        const set: Partial<typeof modelPrices.$inferInsert> = { updatedAt: ctx.now() };
        if (data.model !== undefined) set.model = data.model;
        if (data.inputPerMTok !== undefined) set.inputPerMTokMicros = micros(data.inputPerMTok);
        if (data.outputPerMTok !== undefined) set.outputPerMTokMicros = micros(data.outputPerMTok);
        if (data.cacheReadPerMTok !== undefined)
          set.cacheReadPerMTokMicros = microsOrNull(data.cacheReadPerMTok);
        if (data.cacheWritePerMTok !== undefined) {
          set.cacheWritePerMTokMicros = microsOrNull(data.cacheWritePerMTok);
        }
        const [row] = await tx.update(modelPrices).set(set).where(eq(modelPrices.id, current.id)).returning();
        const after = toModelPrice(row!);
        return {
          result: after,
          audit: {
            action: "model_price.update",
            entityType: "model_price",
            entityId: current.id,
            summary: `Updated the price of "${after.model}"`,
            changes: changedFields(toModelPrice(current), after),
          },
          announce: { kind: "model_price", id: current.id },
        };
      });
    },

    async remove(by, id) {
      await ctx.write(by, async (tx) => {
        const current = await find(tx, id);
        await tx.delete(modelPrices).where(eq(modelPrices.id, current.id));
        return {
          result: undefined,
          audit: {
            action: "model_price.delete",
            entityType: "model_price",
            entityId: current.id,
            summary: `Removed the price of "${current.model}"`,
            changes: { before: toModelPrice(current) },
          },
          announce: { kind: "model_price", id: current.id },
        };
      });
    },

    async importLiteLlm(by, input) {
      const document = parseInput(modelPriceImportBodySchema, input);
      const { prices, skipped } = fromLiteLlmPrices(document);
      return ctx.write(by, async (tx) => {
        const names = prices.map((p) => p.model);
        const existing = new Set<string>();
        for (let i = 0; i < names.length; i += IMPORT_CHUNK) {
          const rows = await tx
            .select({ model: modelPrices.model })
            .from(modelPrices)
            .where(inArray(modelPrices.model, names.slice(i, i + IMPORT_CHUNK)));
          for (const r of rows) existing.add(r.model);
        }
        const now = ctx.now();
        for (let i = 0; i < prices.length; i += IMPORT_CHUNK) {
          const values = prices
            .slice(i, i + IMPORT_CHUNK)
            .map((p) => ({ ...p, createdAt: now, updatedAt: now }));
          await tx
            .insert(modelPrices)
            .values(values)
            .onConflictDoUpdate({
              target: modelPrices.model,
              set: {
                inputPerMTokMicros: sqlExcluded("input_per_mtok_micros"),
                outputPerMTokMicros: sqlExcluded("output_per_mtok_micros"),
                cacheReadPerMTokMicros: sqlExcluded("cache_read_per_mtok_micros"),
                cacheWritePerMTokMicros: sqlExcluded("cache_write_per_mtok_micros"),
                updatedAt: now,
              },
            });
        }
        const result: ModelPriceImportResult = {
          created: prices.length - existing.size,
          updated: existing.size,
          skipped: skipped.length,
          skippedExamples: skipped.slice(0, SKIPPED_SHOWN),
        };
        return {
          result,
          audit: {
            action: "model_price.import",
            entityType: "model_price",
            entityId: null,
            summary: `Imported model prices: ${result.created} new, ${result.updated} updated, ${result.skipped} skipped`,
            changes: { created: result.created, updated: result.updated, skipped: result.skipped },
          },
          announce: { kind: "model_price", id: null },
        };
      });
    },
  };
}

function sqlExcluded(column: string) {
  return sql.raw(`excluded.${column}`);
}
