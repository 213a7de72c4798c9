import { describe, expect, it } from "vitest";
import { signDingTalk, signedDingTalkUrl } from "./dingtalk";
import { signFeishu } from "./feishu";
import { judgeAnswer, scrubSecrets } from "./http-post";
import { renderMarkdown } from "./render-message";
import type { AlertMessage } from "./types";
import { signWebhookBody } from "./webhook";

// Vectors computed with the vendors' published Python reference snippets (hmac + base64 + quote_plus).
const SECRET = "SECa1b2c3d4e5f6";

describe("channel signing", () => {
  it("signs DingTalk requests like its reference code: HMAC(secret, ts\\nsecret), base64, URL-encoded", () => {
    expect(signDingTalk(SECRET, 1_700_000_000_123)).toBe("8qyxAWyAXc7Bpg17qcXGE4eyXykQN+pvv3WCK8lkKsU=");
    const url = signedDingTalkUrl(
      "https://oapi.dingtalk.com/robot/send?access_token=abc",
      SECRET,
      1_700_000_000_123,
    );
    expect(url).toBe(
      "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000123&sign=8qyxAWyAXc7Bpg17qcXGE4eyXykQN%2Bpvv3WCK8lkKsU%3D",
    );
    expect(signedDingTalkUrl("https://oapi.dingtalk.com/robot/send?access_token=abc", null, 1)).toBe(
      "https://oapi.dingtalk.com/robot/send?access_token=abc",
    );
  });

  it("signs Feishu requests like its reference code: HMAC keyed by ts\\nsecret over an empty message", () => {
    expect(signFeishu(SECRET, 1_700_000_000)).toBe("Hj9vmc4kbeFVGWs6VEER5hlsMQqJCsRwVbJXv7s5yFU=");
  });

  it("signs webhook bodies as sha256=hex(HMAC(secret, timestamp.body))", () => {
    expect(signWebhookBody("whsec", 1_700_000_000, '{"a":1}')).toBe(
      "sha256=8ad37ba156048ae0e0a5533c75cdf26fee88b07f93cb57ee4c80adb053012032",
    );
  });
});

describe("channel answers and rendering", () => {
  it("scrubs secrets and their URL-encoded forms from error text", () => {
    const text = "failed https://h/hook/tok+en/123 and tok%2Ben%2F123 and ok";
    expect(scrubSecrets(text, ["tok+en/123", null])).toBe(
      "failed https://h/hook/[redacted] and [redacted] and ok",
    );
  });

  it("retries 5xx, 408 and 429 but not other 4xx, and applies the body check only to 2xx", () => {
    const check = (text: string) => (text.includes('"errcode":0') ? null : "app error");
    expect(judgeAnswer({ statusCode: 503, text: "busy" }, [], check)).toMatchObject({
      ok: false,
      retryable: true,
    });
    expect(judgeAnswer({ statusCode: 429, text: "" }, [], check)).toMatchObject({
      ok: false,
      retryable: true,
    });
    expect(judgeAnswer({ statusCode: 404, text: "no" }, [], check)).toMatchObject({
      ok: false,
      retryable: false,
      error: "HTTP 404: no",
    });
    expect(judgeAnswer({ statusCode: 200, text: '{"errcode":0}' }, [], check)).toEqual({
      ok: true,
      statusCode: 200,
    });
    expect(judgeAnswer({ statusCode: 200, text: '{"errcode":1}' }, [], check)).toMatchObject({
      ok: false,
      retryable: false,
      error: "app error",
    });
  });

  it("escapes markdown in user-chosen names", () => {
    const message: AlertMessage = {
      event: "firing",
      incidentId: 7,
      rule: { id: "r", name: "[click](http://evil)", type: "group_all_down", severity: "critical" },
      subject: { key: "g", name: "*bold*" },
      summary: "s",
      value: null,
      threshold: null,
      firedAt: "2026-01-01T00:00:00.000Z",
      resolvedAt: null,
      reason: null,
    };
    const markdown = renderMarkdown(message);
    expect(markdown).toContain("\\[click\\]\\(http://evil\\)");
    expect(markdown).toContain("\\*bold\\*");
    expect(markdown).not.toContain("[click](");
  });
});
