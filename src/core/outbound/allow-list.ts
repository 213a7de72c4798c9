/**
 * The operator's exceptions to the outbound policy (`OUTBOUND_ALLOW`): comma- or space-separated
 * CIDRs (`10.0.0.0/8`, `fd00::/8`), single addresses (`127.0.0.1`, `::1`), host names
 * (`internal.example.com`) and subdomain wildcards (`*.corp.example`: every name below
 * corp.example, not corp.example itself). Empty means public addresses only.
 */
import ipaddr from "ipaddr.js";
import { embeddedIPv4, parseIpAddress, type IpAddress } from "./address-ranges";
import { parseHostLiteral } from "./host-literal";

export interface AllowRange {
  /** The entry as the operator wrote it. */
  readonly entry: string;
  readonly network: IpAddress;
  readonly prefix: number;
}

export interface AllowName {
  readonly entry: string;
  /** Canonical name; for a wildcard the parent domain (`corp.example` for `*.corp.example`). */
  readonly name: string;
  readonly wildcard: boolean;
}

/** The parsed allow-list; `EMPTY_OUTBOUND_POLICY` refuses every non-public address. */
export interface OutboundPolicy {
  readonly ranges: readonly AllowRange[];
  readonly names: readonly AllowName[];
}

export const EMPTY_OUTBOUND_POLICY: OutboundPolicy = Object.freeze({ ranges: [], names: [] });

export type AllowListParse =
  | { readonly ok: true; readonly policy: OutboundPolicy }
  | { readonly ok: false; readonly problems: readonly string[] };

const NAME = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

// An IPv4-mapped range (::ffff:a.b.c.d/104) is the IPv4 range it maps: stored as such, it matches
// both spellings of the same host.
function normalizeRange(network: IpAddress, prefix: number): [IpAddress, number] {
  if (network instanceof ipaddr.IPv6 && prefix >= 96) {
    const carried = embeddedIPv4(network);
    if (carried?.form === "ipv4_mapped") return [carried.ipv4, prefix - 96];
  }
  return [network, prefix];
}

function parseRange(entry: string): AllowRange | string {
  const slash = entry.indexOf("/");
  const addressText = slash === -1 ? entry : entry.slice(0, slash);
  const unbracketed = addressText.replace(/^\[(.*)\]$/, "$1");
  const network = parseIpAddress(unbracketed);
  if (network === null) {
    return `"${entry}": not an IP address or CIDR (write IPv4 in dotted decimal, e.g. 10.0.0.0/8, or IPv6, e.g. fd00::/8)`;
  }
  const max = network.kind() === "ipv4" ? 32 : 128;
  const prefixText = slash === -1 ? String(max) : entry.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return `"${entry}": the prefix length must be 0-${max}`;
  const [normalized, normalizedPrefix] = normalizeRange(network, prefix);
  return { entry, network: normalized, prefix: normalizedPrefix };
}

function parseName(entry: string): AllowName | string {
  const wildcard = entry.startsWith("*.");
  const literal = parseHostLiteral(wildcard ? entry.slice(2) : entry);
  if (literal.kind === "address") {
    return `"${entry}": an IP address written in an unusual form; write it in dotted decimal (${literal.address})`;
  }
  if (literal.kind === "invalid" || !NAME.test(literal.name) || literal.name.length > 253) {
    return `"${entry}": not a host name, IP address or CIDR`;
  }
  return { entry, name: literal.name, wildcard };
}

/** Parses an `OUTBOUND_ALLOW` value; every bad entry is reported, none is silently dropped. */
export function parseOutboundAllow(value: string): AllowListParse {
  const ranges: AllowRange[] = [];
  const names: AllowName[] = [];
  const problems: string[] = [];
  for (const entry of value.split(/[\s,]+/).filter((e) => e !== "")) {
    const looksLikeAddress = entry.includes("/") || entry.includes(":") || /^[\d.]+$/.test(entry);
    const parsed = looksLikeAddress ? parseRange(entry) : parseName(entry);
    if (typeof parsed === "string") problems.push(parsed);
    else if ("prefix" in parsed) ranges.push(parsed);
    else names.push(parsed);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, policy: { ranges, names } };
}

/** The allow-list entry covering `address` (or the IPv4 address it carries); null when none does. */
export function allowRangeFor(address: IpAddress, policy: OutboundPolicy): string | null {
  const candidates: IpAddress[] = [address];
  if (address instanceof ipaddr.IPv6) {
    const carried = embeddedIPv4(address);
    // Teredo's embedded client is not where a connection goes; the other forms reach their IPv4.
    if (carried !== null && carried.form !== "teredo") candidates.push(carried.ipv4);
  }
  for (const range of policy.ranges) {
    for (const candidate of candidates) {
      if (candidate.kind() === range.network.kind() && candidate.match(range.network, range.prefix)) {
        return range.entry;
      }
    }
  }
  return null;
}

/** The allow-list entry naming `name` (canonical: lower case, no trailing dot); null when none does. */
export function allowNameFor(name: string, policy: OutboundPolicy): string | null {
  for (const allowed of policy.names) {
    if (allowed.wildcard ? name.endsWith(`.${allowed.name}`) : name === allowed.name) return allowed.entry;
  }
  return null;
}
