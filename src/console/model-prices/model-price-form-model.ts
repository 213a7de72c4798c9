import { z } from "zod";
import type { ModelPrice, ModelPriceCreateInput } from "@/contracts/model-prices";
import type { Translate } from "@/i18n/types";
import { localizeCommonIssue } from "../forms/localize-issue";
import type { FormIssue } from "../forms/zod-form-resolver";

/** The price dialog's values: prices as typed (USD per million tokens; empty cache price = input's). */
export interface ModelPriceFormValues {
  model: string;
  inputPerMTok: string;
  outputPerMTok: string;
  cacheReadPerMTok: string;
  cacheWritePerMTok: string;
}

// USD per million tokens: up to 1,000,000 with at most six decimals (micro-dollars), as the API takes.
const PRICE = /^\d{1,7}(\.\d{1,6})?$/;
const isPrice = (text: string) => PRICE.test(text.trim()) && Number(text.trim()) <= 1_000_000;

const price = z.string().refine(isPrice, { params: { rule: "price" } });
const optionalPrice = z
  .string()
  .refine((text) => text.trim() === "" || isPrice(text), { params: { rule: "price" } });

/** Validates the typed values and builds the API's payload. */
export const modelPriceFormSchema = z
  .object({
    model: z.string().trim().min(1).max(200),
    inputPerMTok: price,
    outputPerMTok: price,
    cacheReadPerMTok: optionalPrice,
    cacheWritePerMTok: optionalPrice,
  })
  .transform((values): ModelPriceCreateInput => ({
    model: values.model,
    inputPerMTok: Number(values.inputPerMTok.trim()),
    outputPerMTok: Number(values.outputPerMTok.trim()),
    cacheReadPerMTok: optionalNumber(values.cacheReadPerMTok),
    cacheWritePerMTok: optionalNumber(values.cacheWritePerMTok),
  }));

function optionalNumber(text: string): number | null {
  return text.trim() === "" ? null : Number(text.trim());
}

/** Values for a new price, or showing an existing one. */
export function modelPriceToFormValues(price?: ModelPrice): ModelPriceFormValues {
  const text = (value: number | null | undefined) =>
    value === null || value === undefined ? "" : String(value);
  return {
    model: price?.model ?? "",
    inputPerMTok: text(price?.inputPerMTok),
    outputPerMTok: text(price?.outputPerMTok),
    cacheReadPerMTok: text(price?.cacheReadPerMTok),
    cacheWritePerMTok: text(price?.cacheWritePerMTok),
  };
}

/** The message under a price field, in the reader's language. */
export function localizeModelPriceIssue(t: Translate, issue: FormIssue): string | undefined {
  if (issue.code === "custom" && (issue.params as { rule?: string } | undefined)?.rule === "price") {
    return t("modelPrices.priceInvalid");
  }
  return localizeCommonIssue(t, issue);
}

/** What a dropped price file holds: a JSON object, or why it cannot be imported. */
export type PriceFileReading =
  { ok: true; body: Record<string, unknown> } | { ok: false; reason: "json" | "shape" };

/** Reads a LiteLLM price file's text: it must be one JSON object of model name → costs. */
export function readPriceFile(text: string): PriceFileReading {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: "json" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return { ok: false, reason: "shape" };
  return { ok: true, body: parsed as Record<string, unknown> };
}
