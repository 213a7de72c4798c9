import { describe, expect, it } from "vitest";
import { uuidV7Time } from "../../core/ids/uuid-v7";
import { createRequestId } from "./request-id";

describe("createRequestId", () => {
  it("gives distinct v7 ids carrying their time, across pool refills", () => {
    const ms = Date.UTC(2026, 11, 7, 19, 0, 0, 123);
    const ids = Array.from({ length: 2_000 }, () => createRequestId(ms));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(uuidV7Time(id)).toBe(ms);
    }
  });
});
