import { describe, expect, it } from "vitest";
import { roleOf } from "./main";

describe("roleOf (GATEWAY_ONLY)", () => {
  it("runs the data plane alone when GATEWAY_ONLY is true or 1, else the requested role", () => {
    expect(roleOf("full", { GATEWAY_ONLY: "true" })).toBe("gateway");
    expect(roleOf("full", { GATEWAY_ONLY: "1" })).toBe("gateway");
    expect(roleOf("full", { GATEWAY_ONLY: "false" })).toBe("full");
    expect(roleOf("full", { GATEWAY_ONLY: undefined })).toBe("full");
    expect(roleOf("gateway", { GATEWAY_ONLY: "0" })).toBe("gateway");
  });
});
