import { describe, expect, it } from "vitest";
import {
  ALERT_CHANNEL_FIELDS,
  ALERT_CHANNEL_TYPES,
  channelViewKey,
  listChannelFields,
} from "./alert-channels";

describe("alert channel table", () => {
  it("gives a field name one meaning in every channel type that has it", () => {
    const specs = new Map<string, string>();
    for (const type of ALERT_CHANNEL_TYPES) {
      for (const [name, spec] of listChannelFields(type)) {
        const seen = specs.get(name);
        if (seen !== undefined) expect(JSON.stringify(spec), `${type}.${name}`).toBe(seen);
        specs.set(name, JSON.stringify(spec));
      }
    }
  });

  it("offers each choice's default among its options", () => {
    for (const type of ALERT_CHANNEL_TYPES) {
      for (const [name, spec] of listChannelFields(type)) {
        if (spec.kind === "choice") expect(spec.options, `${type}.${name}`).toContain(spec.default);
      }
    }
  });

  it("names the masked view of secrets without clashing with another field", () => {
    for (const type of ALERT_CHANNEL_TYPES) {
      const keys = listChannelFields(type).map(([name, spec]) => channelViewKey(name, spec));
      expect(new Set(keys).size, type).toBe(keys.length);
    }
    expect(channelViewKey("url", { kind: "secretUrl" })).toBe("urlMasked");
    expect(channelViewKey("password", { kind: "secret" })).toBe("hasPassword");
    expect(channelViewKey("host", { kind: "host" })).toBe("host");
  });

  it("lists types and fields in table order", () => {
    expect(ALERT_CHANNEL_TYPES).toEqual(Object.keys(ALERT_CHANNEL_FIELDS));
    expect(listChannelFields("feishu").map(([name]) => name)).toEqual(["url", "secret", "messageType"]);
  });
});
