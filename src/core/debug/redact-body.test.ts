import { describe, expect, it } from "vitest";
import { REDACTED, isSensitiveName, redactBody } from "./redact-body";

const KEY = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789";

describe("body redaction", () => {
  it("recognises credential field names, not token counts", () => {
    for (const name of [
      "api_key",
      "apiKey",
      "x-api-key",
      "Authorization",
      "password",
      "client_secret",
      "access_token",
      "token",
    ]) {
      expect(isSensitiveName(name)).toBe(true);
    }
    for (const name of ["max_tokens", "input_tokens", "model", "messages", "tokens", "stream"]) {
      expect(isSensitiveName(name)).toBe(false);
    }
  });

  it("blanks credential fields at any depth of a JSON body and scrubs sk- keys in any string", () => {
    const body = JSON.stringify({
      model: "m",
      max_tokens: 64,
      api_key: "hunter2-secret-value",
      metadata: { apiKey: "abc123456789", nested: [{ password: "pw-123456" }] },
      messages: [{ role: "user", content: `my key is ${KEY} ok` }],
    });
    const out = redactBody(body);
    expect(out).not.toContain("hunter2");
    expect(out).not.toContain("abc123456789");
    expect(out).not.toContain("pw-123456");
    expect(out).not.toContain(KEY);
    const parsed = JSON.parse(out) as Record<string, unknown>;
    expect(parsed).toMatchObject({ model: "m", max_tokens: 64, api_key: REDACTED });
    expect(JSON.stringify(parsed.messages)).toContain(`my key is ${REDACTED} ok`);
  });

  it("redacts a body cut at the capture limit (not parseable JSON) by pattern", () => {
    const full = JSON.stringify({
      model: "m",
      authorization: "Bearer abcdefghijklmnop",
      secret: "s3cr3t-value-xyz",
    });
    const out = redactBody(full.slice(0, full.length - 5));
    expect(out).not.toContain("abcdefghijklmnop");
    expect(out).not.toContain("s3cr3t-value");
    expect(out).toContain('"model":"m"');
  });

  it("redacts SSE data payloads, form bodies and bearer tokens in free text", () => {
    const sse = `event: message\ndata: {"type":"x","token":"tok-123456789","text":"${KEY}"}\n\n`;
    const outSse = redactBody(sse);
    expect(outSse).not.toContain("tok-123456789");
    expect(outSse).not.toContain(KEY);
    expect(outSse).toContain("event: message");
    expect(redactBody("user=bob&password=hunter22&x=1")).toBe(`user=bob&password=${REDACTED}&x=1`);
    expect(redactBody("Authorization: Bearer abcdefghijklmnopqrstuvwxyz")).not.toContain("abcdefghijklmnop");
  });
});
