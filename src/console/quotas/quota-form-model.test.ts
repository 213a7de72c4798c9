import { describe, expect, it } from "vitest";
import { formValuesToQuota, quotaFormSchema, quotaToFormValues, usedPercent } from "./quota-form-model";

describe("quota form model", () => {
  it("round-trips a quota through the form and sends null for an empty form", () => {
    const values = quotaToFormValues({ requestsPerDay: 100, tokensPerDay: null, costPerMonthUsd: 12.5 });
    expect(values).toEqual({
      requestsPerDay: "100",
      tokensPerDay: "",
      tokensPerMonth: "",
      costPerMonthUsd: "12.5",
    });
    expect(formValuesToQuota(values)).toEqual({
      requestsPerDay: 100,
      tokensPerDay: null,
      tokensPerMonth: null,
      costPerMonthUsd: 12.5,
    });
    expect(formValuesToQuota(quotaToFormValues(null))).toBeNull();
    expect(formValuesToQuota({ ...quotaToFormValues(null), tokensPerMonth: " 7 " })?.tokensPerMonth).toBe(7);
  });

  it("accepts whole counts and USD to the micro-dollar, refuses the rest", () => {
    const ok = (over: Record<string, string>) =>
      quotaFormSchema.safeParse({ ...quotaToFormValues(null), ...over }).success;
    expect(ok({ requestsPerDay: "1", costPerMonthUsd: "0.000001" })).toBe(true);
    expect(ok({ costPerMonthUsd: "0" })).toBe(true);
    expect(ok({ requestsPerDay: "0" })).toBe(false);
    expect(ok({ tokensPerDay: "1.5" })).toBe(false);
    expect(ok({ tokensPerMonth: "-3" })).toBe(false);
    expect(ok({ costPerMonthUsd: "0.0000001" })).toBe(false);
    expect(ok({ costPerMonthUsd: "abc" })).toBe(false);
  });

  it("gives the used share capped at 100 %, none without a limit", () => {
    expect(usedPercent(25, 100)).toBe(25);
    expect(usedPercent(150, 100)).toBe(100);
    expect(usedPercent(5, null)).toBeNull();
    expect(usedPercent(0, 0)).toBe(100);
  });
});
