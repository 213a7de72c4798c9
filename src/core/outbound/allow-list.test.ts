import { describe, expect, it } from "vitest";
import { parseIpAddress } from "./address-ranges";
import { allowNameFor, allowRangeFor, parseOutboundAllow, type OutboundPolicy } from "./allow-list";

function policyOf(value: string): OutboundPolicy {
  const parsed = parseOutboundAllow(value);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.policy;
}

const rangeFor = (address: string, policy: OutboundPolicy) => {
  const parsed = parseIpAddress(address);
  if (parsed === null) throw new Error(`not an address: ${address}`);
  return allowRangeFor(parsed, policy);
};

describe("parseOutboundAllow", () => {
  it("reads CIDRs, addresses, names and wildcards separated by commas or spaces", () => {
    const policy = policyOf(" 127.0.0.0/8, ::1 ,internal.example.com  *.corp.example,[fd00::]/8,,");
    expect(policy.ranges.map((r) => [r.entry, r.network.toString(), r.prefix])).toEqual([
      ["127.0.0.0/8", "127.0.0.0", 8],
      ["::1", "::1", 128],
      ["[fd00::]/8", "fd00::", 8],
    ]);
    expect(policy.names).toEqual([
      { entry: "internal.example.com", name: "internal.example.com", wildcard: false },
      { entry: "*.corp.example", name: "corp.example", wildcard: true },
    ]);
  });

  it("is empty for an empty value", () => {
    expect(parseOutboundAllow("")).toEqual({ ok: true, policy: { ranges: [], names: [] } });
    expect(parseOutboundAllow(" , ")).toEqual({ ok: true, policy: { ranges: [], names: [] } });
  });

  it("canonicalises names: case, trailing dot, international names", () => {
    const policy = policyOf("Internal.Example.COM.,*.Bücher.example");
    expect(policy.names.map((n) => n.name)).toEqual(["internal.example.com", "xn--bcher-kva.example"]);
  });

  it("stores an IPv4-mapped range as the IPv4 range it maps", () => {
    const [range] = policyOf("::ffff:10.0.0.0/104").ranges;
    expect([range?.network.toString(), range?.prefix]).toEqual(["10.0.0.0", 8]);
  });

  it("reports every bad entry with a hint, and keeps none of them", () => {
    const parsed = parseOutboundAllow(
      "10.0.0.0/33,127.1,0x7f.1,2130706433,fd00::/129,host:8080,10.0.0.0/x,ok.example",
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      '"10.0.0.0/33": the prefix length must be 0-32',
      '"127.1": not an IP address or CIDR (write IPv4 in dotted decimal, e.g. 10.0.0.0/8, or IPv6, e.g. fd00::/8)',
      '"0x7f.1": an IP address written in an unusual form; write it in dotted decimal (127.0.0.1)',
      '"2130706433": not an IP address or CIDR (write IPv4 in dotted decimal, e.g. 10.0.0.0/8, or IPv6, e.g. fd00::/8)',
      '"fd00::/129": the prefix length must be 0-128',
      '"host:8080": not an IP address or CIDR (write IPv4 in dotted decimal, e.g. 10.0.0.0/8, or IPv6, e.g. fd00::/8)',
      '"10.0.0.0/x": the prefix length must be 0-32',
    ]);
  });

  it.each([
    "*",
    "*.",
    "exa!mple",
    "a<b",
    "-bad.example",
    "a..b",
    "x".repeat(64) + ".example",
    "http://x.example",
  ])("refuses %j", (entry) => {
    expect(parseOutboundAllow(entry).ok).toBe(false);
  });
});

describe("allow-list matching", () => {
  const policy = policyOf("127.0.0.0/8,10.1.0.0/16,::1,fd00::/8,internal.example.com,*.corp.example");

  it.each([
    ["127.0.0.1", "127.0.0.0/8"],
    ["127.255.0.9", "127.0.0.0/8"],
    ["10.1.200.3", "10.1.0.0/16"],
    ["10.2.0.1", null],
    ["::1", "::1"],
    ["fd12::1", "fd00::/8"],
    ["fc00::1", null],
    ["169.254.169.254", null],
    // Forms carrying an IPv4 address match the IPv4 entry.
    ["::ffff:127.0.0.1", "127.0.0.0/8"],
    ["::ffff:a01:203", "10.1.0.0/16"],
    ["64:ff9b::a01:1", "10.1.0.0/16"],
    ["2002:a01:1::", "10.1.0.0/16"],
    ["::7f00:1", "127.0.0.0/8"],
  ])("%s is covered by %s", (address, entry) => {
    expect(rangeFor(address, policy)).toBe(entry);
  });

  it("matches names exactly, and wildcards below their domain only", () => {
    expect(allowNameFor("internal.example.com", policy)).toBe("internal.example.com");
    expect(allowNameFor("other.example.com", policy)).toBeNull();
    expect(allowNameFor("x.internal.example.com", policy)).toBeNull();
    expect(allowNameFor("a.corp.example", policy)).toBe("*.corp.example");
    expect(allowNameFor("a.b.corp.example", policy)).toBe("*.corp.example");
    expect(allowNameFor("corp.example", policy)).toBeNull();
    expect(allowNameFor("evilcorp.example", policy)).toBeNull();
  });
});
