import { describe, expect, it } from "vitest";
import { classifyAddress, type BlockedRange } from "./address-ranges";

type Expected = BlockedRange | "public";

const judge = (address: string): Expected | null => {
  const verdict = classifyAddress(address);
  return verdict === null ? null : verdict.kind === "public" ? "public" : verdict.range;
};

describe("classifyAddress: IPv4", () => {
  const table: readonly (readonly [string, Expected])[] = [
    ["0.0.0.0", "unspecified"],
    ["0.255.255.255", "unspecified"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.15.255.255", "public"],
    ["172.32.0.0", "public"],
    ["192.168.1.1", "private"],
    ["192.169.0.1", "public"],
    ["100.64.0.1", "cgnat"],
    ["100.127.255.255", "cgnat"],
    ["100.100.100.200", "cgnat"],
    ["100.63.255.255", "public"],
    ["100.128.0.0", "public"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["169.254.169.254", "link_local"],
    ["169.254.0.1", "link_local"],
    ["192.0.0.8", "reserved"],
    ["192.0.2.1", "documentation"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.200", "documentation"],
    ["192.88.99.1", "reserved"],
    ["198.18.0.1", "benchmarking"],
    ["198.19.255.255", "benchmarking"],
    ["198.20.0.0", "public"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.254", "reserved"],
    ["255.255.255.255", "broadcast"],
    ["1.1.1.1", "public"],
    ["8.8.8.8", "public"],
    ["93.184.216.34", "public"],
    ["223.255.255.255", "public"],
  ];
  it.each(table)("%s is %s", (address, expected) => {
    expect(judge(address)).toBe(expected);
  });
});

describe("classifyAddress: IPv6", () => {
  const table: readonly (readonly [string, Expected])[] = [
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["fc00::1", "unique_local"],
    ["fd00:ec2::254", "unique_local"],
    ["fdff:ffff::1", "unique_local"],
    ["fe80::1", "link_local"],
    ["fe80::1%eth0", "link_local"],
    ["febf::1", "link_local"],
    ["fec0::1", "reserved"],
    ["ff02::1", "multicast"],
    ["100::1", "reserved"],
    ["2001:db8::1", "documentation"],
    ["3fff::1", "documentation"],
    ["2001:2::1", "benchmarking"],
    ["2001:4:112::1", "reserved"],
    ["5f00::1", "reserved"],
    ["4000::1", "reserved"],
    ["2606:4700:4700::1111", "public"],
    ["2a00:1450:4001:80b::200e", "public"],
    ["3ffe::1", "public"],
    // IPv4-mapped: judged by the IPv4 address inside
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::FFFF:7F00:1", "loopback"],
    ["::ffff:10.1.2.3", "private"],
    ["::ffff:a9fe:a9fe", "link_local"],
    ["::ffff:0.0.0.0", "unspecified"],
    ["::ffff:8.8.8.8", "public"],
    // IPv4-compatible (deprecated): the IPv4 inside, or refused anyway
    ["::127.0.0.1", "loopback"],
    ["::7f00:1", "loopback"],
    ["::a00:1", "private"],
    ["::2", "unspecified"],
    ["::8.8.8.8", "translation"],
    // NAT64 well-known prefix
    ["64:ff9b::127.0.0.1", "loopback"],
    ["64:ff9b::a9fe:a9fe", "link_local"],
    ["64:ff9b::c0a8:101", "private"],
    ["64:ff9b::8.8.8.8", "public"],
    ["64:ff9b:1::a00:1", "translation"],
    // 6to4: the IPv4 address in bits 16-47
    ["2002:7f00:1::", "loopback"],
    ["2002:a00:1::1", "private"],
    ["2002:a9fe:a9fe::", "link_local"],
    ["2002:6440:1::", "cgnat"],
    ["2002:808:808::1", "public"],
    // Teredo: refused whatever it carries
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "translation"],
    ["2001::1", "translation"],
  ];
  it.each(table)("%s is %s", (address, expected) => {
    expect(judge(address)).toBe(expected);
  });

  it("reports the IPv4 address an embedding form carries", () => {
    expect(classifyAddress("::ffff:7f00:1")).toMatchObject({
      kind: "blocked",
      family: 6,
      embedded: { form: "ipv4_mapped", address: "127.0.0.1" },
    });
    expect(classifyAddress("2002:a00:1::1")?.embedded).toEqual({ form: "6to4", address: "10.0.0.1" });
    // Teredo inverts the client address: 0x3fff:fdd2 → 192.0.2.45
    expect(classifyAddress("2001:0:4136:e378:8000:63bf:3fff:fdd2")?.embedded).toEqual({
      form: "teredo",
      address: "192.0.2.45",
    });
  });
});

describe("classifyAddress: only canonical spellings are addresses", () => {
  it.each([
    "127.1",
    "0x7f.0.0.1",
    "0177.0.0.1",
    "2130706433",
    "127.000.000.001",
    "1.2.3.4.5",
    "",
    "localhost",
  ])("%j is not a canonical address", (text) => {
    expect(classifyAddress(text)).toBeNull();
  });
});
