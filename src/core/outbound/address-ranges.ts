/**
 * Classifies one IP address as public or as the named special-purpose range that outbound requests
 * must not reach by default. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4)
 * are judged by the IPv4 address inside, so `::ffff:127.0.0.1` is loopback like `127.0.0.1`.
 */
import ipaddr from "ipaddr.js";

/** The special-purpose ranges refused by default; the reason code of a denial. */
export type BlockedRange =
  | "unspecified"
  | "loopback"
  | "private"
  | "cgnat"
  | "link_local"
  | "unique_local"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "benchmarking"
  | "documentation"
  | "translation";

/** How an IPv6 address carries an IPv4 address. */
export type Embedding = "ipv4_mapped" | "ipv4_compatible" | "nat64" | "6to4" | "teredo";

export interface EmbeddedIPv4 {
  readonly form: Embedding;
  /** The IPv4 address inside, dotted decimal. */
  readonly address: string;
}

export type AddressClass =
  | {
      readonly kind: "public";
      readonly address: string;
      readonly family: 4 | 6;
      readonly embedded: EmbeddedIPv4 | null;
    }
  | {
      readonly kind: "blocked";
      readonly address: string;
      readonly family: 4 | 6;
      readonly range: BlockedRange;
      readonly embedded: EmbeddedIPv4 | null;
    };

/** A parsed address: ipaddr.js's own classes. */
export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

type Table<T extends IpAddress> = readonly (readonly [T, number, BlockedRange])[];

// Order matters: the first match wins (broadcast before 240/4, documentation before 2001::/23).
const IPV4_RANGES: readonly (readonly [string, BlockedRange])[] = [
  ["0.0.0.0/8", "unspecified"], // "this network": 0.0.0.0 reaches the local host on Linux
  ["10.0.0.0/8", "private"],
  ["172.16.0.0/12", "private"],
  ["192.168.0.0/16", "private"],
  ["100.64.0.0/10", "cgnat"], // also hosts some clouds' metadata services (100.100.100.200)
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link_local"], // cloud metadata at 169.254.169.254
  ["192.0.0.0/24", "reserved"], // IETF protocol assignments
  ["192.0.2.0/24", "documentation"],
  ["198.51.100.0/24", "documentation"],
  ["203.0.113.0/24", "documentation"],
  ["192.88.99.0/24", "reserved"], // former 6to4 relay anycast
  ["198.18.0.0/15", "benchmarking"],
  ["224.0.0.0/4", "multicast"],
  ["255.255.255.255/32", "broadcast"],
  ["240.0.0.0/4", "reserved"],
];

const IPV6_RANGES: readonly (readonly [string, BlockedRange])[] = [
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["64:ff9b:1::/48", "translation"], // local-use NAT64 (RFC 8215): the site's translator decides
  ["2001::/32", "translation"], // Teredo: relays deliver to the embedded client address
  ["2001:2::/48", "benchmarking"],
  ["2001:db8::/32", "documentation"],
  ["3fff::/20", "documentation"],
  ["2001::/23", "reserved"], // IETF protocol assignments
  ["fc00::/7", "unique_local"], // includes AWS's IPv6 metadata endpoint fd00:ec2::254
  ["fe80::/10", "link_local"],
  ["ff00::/8", "multicast"],
];

interface Tables {
  readonly v4: Table<ipaddr.IPv4>;
  readonly v6: Table<ipaddr.IPv6>;
  readonly globalUnicast: [ipaddr.IPv6, number];
}

let tables: Tables | null = null;

// Built on first use so importing this module runs no code.
function rangeTables(): Tables {
  tables ??= {
    v4: IPV4_RANGES.map(([cidr, range]) => [...ipaddr.IPv4.parseCIDR(cidr), range] as const),
    v6: IPV6_RANGES.map(([cidr, range]) => [...ipaddr.IPv6.parseCIDR(cidr), range] as const),
    globalUnicast: ipaddr.IPv6.parseCIDR("2000::/3"),
  };
  return tables;
}

const TRAILING_DOTTED_QUAD = /:([^:]*\.[^:]*)$/;

// ipaddr.js reads `::1.2.3.4` as the mapped `::ffff:102:304`; RFC 4291 (and the URL parser) read it
// as `::102:304`. Writing the dotted tail as two hex groups first makes both agree.
function hexTail(text: string): string | null {
  const match = TRAILING_DOTTED_QUAD.exec(text);
  if (match === null) return text;
  const quad = match[1] ?? "";
  const zone = quad.indexOf("%");
  const dotted = zone === -1 ? quad : quad.slice(0, zone);
  if (!ipaddr.IPv4.isValidFourPartDecimal(dotted)) return null;
  const [a = 0, b = 0, c = 0, d = 0] = ipaddr.IPv4.parse(dotted).octets;
  const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  return `${text.slice(0, match.index + 1)}${hex}${zone === -1 ? "" : quad.slice(zone)}`;
}

/** Parses an address written the canonical way (dotted-decimal IPv4 or IPv6); null for anything else. */
export function parseIpAddress(text: string): IpAddress | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!text.includes(":")) return null;
  const hex = hexTail(text);
  if (hex === null || !ipaddr.IPv6.isValid(hex)) return null;
  const parsed = ipaddr.IPv6.parse(hex);
  // A zone only scopes a link-local address; the address itself is what is judged.
  return parsed.zoneId === undefined ? parsed : new ipaddr.IPv6(parsed.parts);
}

function ipv4FromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** The IPv4 address an IPv6 address carries, if it is one of the embedding forms. */
export function embeddedIPv4(address: ipaddr.IPv6): { form: Embedding; ipv4: ipaddr.IPv4 } | null {
  const p = address.parts as readonly number[];
  const at = (i: number) => p[i] ?? 0;
  const zeroUpTo = (n: number) => p.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(5) && at(5) === 0xffff) return { form: "ipv4_mapped", ipv4: ipv4FromWords(at(6), at(7)) };
  // ::/128 and ::1 are the unspecified and loopback addresses, not compatible forms.
  if (zeroUpTo(6) && !(at(6) === 0 && at(7) <= 1)) {
    return { form: "ipv4_compatible", ipv4: ipv4FromWords(at(6), at(7)) };
  }
  if (at(0) === 0x64 && at(1) === 0xff9b && at(2) === 0 && at(3) === 0 && at(4) === 0 && at(5) === 0) {
    return { form: "nat64", ipv4: ipv4FromWords(at(6), at(7)) };
  }
  if (at(0) === 0x2002) return { form: "6to4", ipv4: ipv4FromWords(at(1), at(2)) };
  // Teredo stores the client's address with every bit inverted.
  if (at(0) === 0x2001 && at(1) === 0) {
    return { form: "teredo", ipv4: ipv4FromWords(~at(6) & 0xffff, ~at(7) & 0xffff) };
  }
  return null;
}

function rangeOfIPv4(address: ipaddr.IPv4): BlockedRange | null {
  for (const [network, prefix, range] of rangeTables().v4) {
    if (address.match(network, prefix)) return range;
  }
  return null;
}

function classifyIPv6(address: ipaddr.IPv6): AddressClass {
  const text = address.toString();
  const carried = embeddedIPv4(address);
  const embedded = carried && { form: carried.form, address: carried.ipv4.toString() };
  const blocked = (range: BlockedRange): AddressClass => ({
    kind: "blocked",
    address: text,
    family: 6,
    range,
    embedded,
  });
  if (carried && carried.form !== "teredo") {
    const innerRange = rangeOfIPv4(carried.ipv4);
    if (innerRange !== null) return blocked(innerRange);
    // The deprecated compatible form (RFC 4291) has no legitimate use: refuse it even around a public IPv4.
    if (carried.form === "ipv4_compatible") return blocked("translation");
    return { kind: "public", address: text, family: 6, embedded };
  }
  const { v6, globalUnicast } = rangeTables();
  for (const [network, prefix, range] of v6) {
    if (address.match(network, prefix)) return blocked(range);
  }
  // Outside 2000::/3 nothing is assigned for global unicast (site-local fec0::/10, discard 100::/64…).
  if (!address.match(globalUnicast)) return blocked("reserved");
  return { kind: "public", address: text, family: 6, embedded };
}

/** Classifies a parsed address. */
export function classifyParsedAddress(address: IpAddress): AddressClass {
  if (address instanceof ipaddr.IPv6) return classifyIPv6(address);
  const text = address.toString();
  const range = rangeOfIPv4(address);
  return range === null
    ? { kind: "public", address: text, family: 4, embedded: null }
    : { kind: "blocked", address: text, family: 4, range, embedded: null };
}

/** Classifies an address written canonically (what a resolver or a URL parser returns); null if it is not one. */
export function classifyAddress(text: string): AddressClass | null {
  const parsed = parseIpAddress(text);
  return parsed === null ? null : classifyParsedAddress(parsed);
}
