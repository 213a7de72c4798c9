import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("LOG_SPILL_MAX_BYTES", () => {
  it("defaults to 1 GiB and accepts 0 (no spill) or at least 1 MiB", () => {
    expect(parseEnv({}).LOG_SPILL_MAX_BYTES).toBe(1024 ** 3);
    expect(parseEnv({ LOG_SPILL_MAX_BYTES: "" }).LOG_SPILL_MAX_BYTES).toBe(1024 ** 3);
    expect(parseEnv({ LOG_SPILL_MAX_BYTES: "0" }).LOG_SPILL_MAX_BYTES).toBe(0);
    expect(parseEnv({ LOG_SPILL_MAX_BYTES: "1048576" }).LOG_SPILL_MAX_BYTES).toBe(1024 ** 2);
  });

  it("refuses a bound below 1 MiB, a fraction or a negative number, naming the variable", () => {
    for (const value of ["1000", "1.5", "-1", "lots"]) {
      expect(() => parseEnv({ LOG_SPILL_MAX_BYTES: value })).toThrow(EnvError);
      expect(() => parseEnv({ LOG_SPILL_MAX_BYTES: value })).toThrow(/LOG_SPILL_MAX_BYTES/);
    }
  });
});
