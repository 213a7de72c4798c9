import { describe, expect, it } from "vitest";
import { alertChannelConfigSchema } from "@/contracts/alerts";
import { maskUrl, mergeChannelConfig, replacedSecretFields, splitChannelConfig } from "./channel-codec";

describe("channel codec", () => {
  it("masks URLs to the origin and a short tail, and shows no tail for short paths", () => {
    expect(maskUrl("https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789")).toBe(
      "https://oapi.dingtalk.com/••••6789",
    );
    expect(maskUrl("http://127.0.0.1:8080/hook")).toBe("http://127.0.0.1:8080/••••");
  });

  it("keeps every secret out of the plain settings and the display hints", () => {
    const email = alertChannelConfigSchema.parse({
      type: "email",
      host: "smtp.example.test",
      username: "alerts",
      password: "pa55word-secret",
      from: "a@example.test",
      to: ["b@example.test"],
    });
    const parts = splitChannelConfig(email);
    expect(parts.secrets).toEqual({ password: "pa55word-secret" });
    expect(parts.settings).toEqual({
      host: "smtp.example.test",
      port: 587,
      security: "starttls",
      username: "alerts",
      from: "a@example.test",
      to: ["b@example.test"],
    });
    expect(parts.display).toEqual({ hasPassword: true });

    const hook = splitChannelConfig(
      alertChannelConfigSchema.parse({ type: "webhook", url: "https://h.example.test/t/0123456789abc" }),
    );
    expect(hook).toEqual({
      settings: {},
      secrets: { url: "https://h.example.test/t/0123456789abc" },
      display: { urlMasked: "https://h.example.test/••••9abc", hasSecret: false },
    });
  });

  it("merges updates: absent keeps, null clears, a value replaces", () => {
    const url = "https://open.feishu.cn/open-apis/bot/v2/hook/x";
    const current = alertChannelConfigSchema.parse({ type: "feishu", url, secret: "old-secret" });
    expect(mergeChannelConfig(current, { type: "feishu", messageType: "text" })).toEqual({
      ...current,
      messageType: "text",
    });
    expect(mergeChannelConfig(current, { type: "feishu", secret: null })).toMatchObject({ secret: null });
    const update = { type: "feishu" as const, secret: "new-secret", url: undefined };
    expect(mergeChannelConfig(current, update)).toMatchObject({ secret: "new-secret", url });
    expect(replacedSecretFields(update)).toEqual(["secret"]);
  });
});
