import { describe, expect, it } from "vitest";
import type { AlertChannel } from "@/contracts/alerts";
import { en } from "@/i18n/en";
import { translate } from "@/i18n/translate";
import type { Translate } from "@/i18n/types";
import { localizeAlertIssue } from "./alert-form-issues";
import {
  channelFieldOf,
  channelToForm,
  createChannelFormSchema,
  emptyChannelForm,
  layoutChannelFields,
  toChannelCreatePayload,
  toChannelUpdatePayload,
  type ChannelFormValues,
} from "./channel-form-model";

const CHANNEL = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
const t: Translate = (key, values) => translate(en, key, values);

function messagesFor(values: ChannelFormValues, editing = false): Record<string, string> {
  const result = createChannelFormSchema(editing).safeParse(values);
  const out: Record<string, string> = {};
  for (const issue of result.error?.issues ?? []) {
    out[issue.path.join(".")] ??= localizeAlertIssue(t, issue) ?? issue.message;
  }
  return out;
}

const webhook: AlertChannel = {
  id: CHANNEL,
  name: "Hook",
  type: "webhook",
  enabled: true,
  config: { type: "webhook", urlMasked: "https://hooks.example.com/…", hasSecret: true },
  createdAt: "2026-11-27T00:00:00.000Z",
  updatedAt: "2026-11-27T00:00:00.000Z",
};

describe("channel form", () => {
  it("creates an e-mail channel with recipients split on commas and lines", () => {
    const result = createChannelFormSchema(false).safeParse({
      ...emptyChannelForm(),
      name: "Ops",
      type: "email",
      host: "smtp.example.com",
      from: "gw@example.com",
      to: "a@example.com,\nb@example.com",
    });
    expect(result.data?.config).toEqual({
      type: "email",
      host: "smtp.example.com",
      port: 587,
      security: "starttls",
      username: null,
      password: null,
      from: "gw@example.com",
      to: ["a@example.com", "b@example.com"],
    });
  });

  it("keeps write-only values on edit when left blank, and clears them on request", () => {
    const form = channelToForm(webhook);
    expect(form.url).toBe("");
    expect(createChannelFormSchema(true).safeParse(form).data).toEqual({
      name: "Hook",
      enabled: true,
      config: { type: "webhook" },
    });
    expect(toChannelUpdatePayload({ ...form, clearSecret: true }).config).toEqual({
      type: "webhook",
      secret: null,
    });
  });

  it("requires a URL on create only", () => {
    expect(Object.keys(messagesFor({ ...emptyChannelForm(), name: "x" }))).toEqual(["url"]);
    expect(messagesFor(channelToForm(webhook), true)).toEqual({});
  });

  it("refuses a URL with credentials on the url field, in the contract's words", () => {
    expect(messagesFor({ ...emptyChannelForm(), name: "x", url: "https://u:p@example.com/" })).toEqual({
      url: "must not contain credentials",
    });
  });

  it("puts e-mail problems on their fields", () => {
    expect(
      messagesFor({
        ...emptyChannelForm(),
        name: "Mail",
        type: "email",
        host: "",
        port: "",
        from: "not-an-address",
        to: "a@example.com, nope",
      }),
    ).toEqual({
      host: "Required.",
      port: "Required.",
      from: "Check this value.",
      to: "Check this value.",
    });
    expect(
      messagesFor({
        ...emptyChannelForm(),
        name: "Mail",
        type: "email",
        host: "h",
        port: "70000",
        from: "a@b.co",
      }),
    ).toEqual({
      port: "Must be at most 65535.",
      to: "Required.",
    });
  });

  it("maps API paths to fields", () => {
    expect(channelFieldOf("config.to[1]")).toBe("to");
    expect(channelFieldOf("config.url")).toBe("url");
    expect(channelFieldOf("name")).toBe("name");
    expect(channelFieldOf("config.type")).toBeUndefined();
    expect(channelFieldOf("enabled")).toBeUndefined();
  });

  it("keeps what was typed when the type is switched, and sends only the new type's fields", () => {
    const typed = { ...emptyChannelForm(), name: "Bot", url: "https://open.feishu.cn/hook/x", secret: "s" };
    expect(toChannelCreatePayload({ ...typed, type: "feishu" }).config).toEqual({
      type: "feishu",
      url: "https://open.feishu.cn/hook/x",
      secret: "s",
      messageType: "interactive",
    });
    expect(toChannelCreatePayload({ ...typed, type: "dingtalk" }).config).toEqual({
      type: "dingtalk",
      url: "https://open.feishu.cn/hook/x",
      secret: "s",
    });
  });

  it("shows an e-mail channel's stored settings, secrets left blank", () => {
    const mail: AlertChannel = {
      ...webhook,
      type: "email",
      config: {
        type: "email",
        host: "smtp.example.com",
        port: 465,
        security: "tls",
        username: null,
        hasPassword: true,
        from: "gw@example.com",
        to: ["a@example.com", "b@example.com"],
      },
    };
    expect(channelToForm(mail)).toMatchObject({
      type: "email",
      host: "smtp.example.com",
      port: "465",
      security: "tls",
      username: "",
      password: "",
      clearPassword: false,
      to: "a@example.com, b@example.com",
    });
  });

  it("pairs short fields on one line and gives URLs and lists the whole width", () => {
    const rows = (type: ChannelFormValues["type"]) =>
      layoutChannelFields(type).map(({ name, wide }) => (wide ? name : `${name}½`));
    expect(rows("email")).toEqual(["host½", "port½", "security½", "username½", "password½", "from½", "to"]);
    expect(rows("webhook")).toEqual(["url", "secret"]);
    expect(rows("feishu")).toEqual(["url", "secret½", "messageType½"]);
  });
});
