import { describe, expect, it } from "vitest";
import { deriveSessionKey } from "./session-key";

const base = { headerValue: undefined, body: undefined as unknown, keyId: "k1", model: "m" };

describe("deriveSessionKey", () => {
  it("takes, in order: header, metadata.user_id, prompt_cache_key, user", () => {
    const body = { metadata: { user_id: "u-meta" }, prompt_cache_key: "pck", user: "u" };
    expect(deriveSessionKey({ ...base, headerValue: "s-1", body })).toEqual({
      key: "k1:header:s-1",
      source: "header",
    });
    expect(deriveSessionKey({ ...base, body }).source).toBe("metadata");
    expect(deriveSessionKey({ ...base, body: { prompt_cache_key: "pck", user: "u" } }).key).toBe(
      "k1:prompt_cache_key:pck",
    );
    expect(deriveSessionKey({ ...base, body: { user: "u" } }).key).toBe("k1:user:u");
  });

  it("scopes client ids by the gateway key and hashes long or odd ones", () => {
    const a = deriveSessionKey({ ...base, body: { user: "same" } });
    const b = deriveSessionKey({ ...base, keyId: "k2", body: { user: "same" } });
    expect(a.key).not.toBe(b.key);
    const odd = deriveSessionKey({ ...base, headerValue: "with space" });
    expect(odd.key).toMatch(/^k1:header:[0-9a-f]{16}$/);
  });

  it("falls back to a hash that stays equal across the turns of one conversation", () => {
    const system = "You are a helpful assistant.";
    const turn1 = { system, messages: [{ role: "user", content: "hi" }] };
    const turn2 = {
      system,
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
        { role: "user", content: "more" },
      ],
    };
    const k1 = deriveSessionKey({ ...base, body: turn1 });
    expect(k1.source).toBe("prefix");
    expect(deriveSessionKey({ ...base, body: turn2 }).key).toBe(k1.key);
    const other = { system, messages: [{ role: "user", content: "another conversation" }] };
    expect(deriveSessionKey({ ...base, body: other }).key).not.toBe(k1.key);
    expect(deriveSessionKey({ ...base, model: "m2", body: turn1 }).key).not.toBe(k1.key);
  });

  it("reads an OpenAI system message as the system prompt", () => {
    const a = {
      messages: [
        { role: "system", content: "S" },
        { role: "user", content: "Q1" },
      ],
    };
    const b = {
      messages: [
        { role: "system", content: "S" },
        { role: "user", content: "Q2" },
      ],
    };
    expect(deriveSessionKey({ ...base, body: a }).key).not.toBe(deriveSessionKey({ ...base, body: b }).key);
  });

  it("works without a body", () => {
    expect(deriveSessionKey({ ...base, body: undefined }).source).toBe("prefix");
  });
});
