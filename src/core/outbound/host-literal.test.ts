import { describe, expect, it } from "vitest";
import { parseIpAddress } from "./address-ranges";
import { parseHostLiteral } from "./host-literal";
import { ODD_IPV4_SPELLINGS, ODD_IPV6_SPELLINGS } from "./outbound-test-support";

describe("parseHostLiteral", () => {
  it.each(ODD_IPV4_SPELLINGS)(
    "%j is the IPv4 address %s, as the URL parser reads it",
    (spelling, address) => {
      expect(new URL(`http://${spelling}/`).hostname).toBe(address);
      expect(parseHostLiteral(spelling)).toMatchObject({ kind: "address", address });
    },
  );

  it.each(ODD_IPV6_SPELLINGS)(
    "%j is the IPv6 address %s, as the URL parser reads it",
    (spelling, address) => {
      const bracketed = spelling.startsWith("[") ? spelling : `[${spelling}]`;
      expect(new URL(`http://${bracketed}/`).hostname).toBe(`[${address}]`);
      expect(parseHostLiteral(spelling)).toMatchObject({ kind: "address", address });
    },
  );

  it("reads a dotted tail in IPv6 as RFC 4291 does, not as a mapped address", () => {
    expect(parseIpAddress("::8.8.8.8")?.toString()).toBe("::808:808");
    expect(new URL("http://[::8.8.8.8]/").hostname).toBe("[::808:808]");
    expect(parseIpAddress("::ffff:8.8.8.8")?.toString()).toBe("::ffff:808:808");
  });

  it.each([
    ["Example.COM", "example.com"],
    ["example.com.", "example.com"],
    ["api.openai.com", "api.openai.com"],
    ["localhost", "localhost"],
    ["bücher.example", "xn--bcher-kva.example"],
    ["1.2.3.example", "1.2.3.example"],
    ["0x7f.example", "0x7f.example"],
  ])("%j is the host name %s", (spelling, name) => {
    expect(parseHostLiteral(spelling)).toEqual({ kind: "name", name });
  });

  it.each([
    "",
    "1.2.3.08",
    "1.2.3.4.5",
    "4294967296",
    "1.2.3.0x100",
    "example.com:80",
    "user@example.com",
    "example.com/path",
    "exa mple.com",
    "example.com?x",
    "[::1",
    "[fe80::1%25eth0]",
    "127.0.0.1%00",
    "[::1]:80",
    "1:2:3:4:5:6:7:8:9",
  ])("%j is invalid", (spelling) => {
    expect(parseHostLiteral(spelling)).toEqual({ kind: "invalid" });
  });
});
