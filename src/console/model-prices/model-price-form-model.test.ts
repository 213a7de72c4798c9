import { describe, expect, it } from "vitest";
import { modelPriceFormSchema, modelPriceToFormValues, readPriceFile } from "./model-price-form-model";

describe("model price form model", () => {
  it("builds the payload: numbers in USD per MTok, empty cache prices = null", () => {
    const parsed = modelPriceFormSchema.parse({
      ...modelPriceToFormValues(),
      model: " claude-sonnet-4-* ",
      inputPerMTok: "3",
      outputPerMTok: "15.000001",
      cacheReadPerMTok: "0.3",
    });
    expect(parsed).toEqual({
      model: "claude-sonnet-4-*",
      inputPerMTok: 3,
      outputPerMTok: 15.000001,
      cacheReadPerMTok: 0.3,
      cacheWritePerMTok: null,
    });
  });

  it("refuses negative, over-precise, huge or missing prices", () => {
    const base = { ...modelPriceToFormValues(), model: "m", inputPerMTok: "1", outputPerMTok: "1" };
    expect(modelPriceFormSchema.safeParse(base).success).toBe(true);
    for (const bad of [
      { inputPerMTok: "-1" },
      { inputPerMTok: "" },
      { outputPerMTok: "0.0000001" },
      { cacheWritePerMTok: "2000000" },
      { model: "  " },
    ]) {
      expect(modelPriceFormSchema.safeParse({ ...base, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("shows an existing price and reads price files", () => {
    expect(
      modelPriceToFormValues({
        id: "x",
        model: "gpt-4o",
        inputPerMTok: 2.5,
        outputPerMTok: 10,
        cacheReadPerMTok: null,
        cacheWritePerMTok: 1.25,
        createdAt: "",
        updatedAt: "",
      }),
    ).toEqual({
      model: "gpt-4o",
      inputPerMTok: "2.5",
      outputPerMTok: "10",
      cacheReadPerMTok: "",
      cacheWritePerMTok: "1.25",
    });
    expect(readPriceFile('{"gpt-4o": {"input_cost_per_token": 1e-6}}')).toEqual({
      ok: true,
      body: { "gpt-4o": { input_cost_per_token: 1e-6 } },
    });
    expect(readPriceFile("not json")).toEqual({ ok: false, reason: "json" });
    expect(readPriceFile("[1, 2]")).toEqual({ ok: false, reason: "shape" });
    expect(readPriceFile("null")).toEqual({ ok: false, reason: "shape" });
  });
});
