import { describe, expect, it } from "vitest";
import { microsToUsd, microsToUsdString, usdToMicros } from "./money";

describe("money", () => {
  it("parses decimal and scientific USD amounts exactly into micros", () => {
    expect(usdToMicros("3")).toBe(3_000_000);
    expect(usdToMicros("0.15")).toBe(150_000);
    expect(usdToMicros(0.075)).toBe(75_000);
    expect(usdToMicros("3e-06")).toBe(3);
    expect(usdToMicros(3.75e-6)).toBe(3); // 3.75 micros: digits past the sixth decimal are cut
    expect(usdToMicros("1.5E2")).toBe(150_000_000);
    expect(usdToMicros("0.0000019")).toBe(1);
    expect(usdToMicros(0.1 + 0.2)).toBe(300_000);
  });

  it("refuses negative, non-numeric and absurd amounts", () => {
    for (const bad of ["-1", "abc", "", "1,5", "1e400", Number.NaN, -0.5, Infinity]) {
      expect(usdToMicros(bad)).toBeNull();
    }
    expect(usdToMicros("1000000001")).toBeNull();
  });

  it("formats micros back to USD", () => {
    expect(microsToUsdString(1_250_000)).toBe("1.250000");
    expect(microsToUsdString(7)).toBe("0.000007");
    expect(microsToUsd(123_456_789)).toBe(123.456789);
  });
});
