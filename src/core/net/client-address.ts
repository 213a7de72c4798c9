import ipaddr from "ipaddr.js";

/**
 * Which client address a request is attributed to (sign-in limits, IP-hash balancing, request logs,
 * audit). Behind a reverse proxy the socket peer is the proxy; the client is in `X-Forwarded-For` (or
 * `Forwarded`), which anyone can also write. `TRUST_PROXY` says how far to believe it:
 *
 * - off (default): the socket peer, headers ignored.
 * - `true`: every hop is trusted; the left-most address (what the first proxy saw). Only when the
 *   proxy in front overwrites the header rather than appending to it.
 * - a hop count `n`: the n nearest addresses (the peer first, then the header from the right) are
 *   proxies; the next one to the left is the client.
 * - a list of CIDRs: hops are walked from the peer leftwards while they are inside the list; the first
 *   address outside it is the client.
 *
 * `X-Forwarded-For` is read when present, else the `for=` parameters of `Forwarded` (RFC 7239). A hop
 * that is not an IP address (`unknown`, obfuscated names, garbage) ends the walk: the last trusted
 * address is answered, never the text. IPv4-mapped IPv6 peers are answered as IPv4.
 */

export type TrustProxy =
  | { readonly kind: "off" }
  | { readonly kind: "all" }
  | { readonly kind: "hops"; readonly hops: number }
  | { readonly kind: "ranges"; readonly ranges: readonly TrustedRange[]; readonly text: string };

export interface TrustedRange {
  readonly address: ipaddr.IPv4 | ipaddr.IPv6;
  readonly prefix: number;
}

export type TrustProxyParse =
  { readonly ok: true; readonly trust: TrustProxy } | { readonly ok: false; readonly problems: string[] };

export const TRUST_PROXY_OFF: TrustProxy = Object.freeze({ kind: "off" });
const MAX_HOPS = 32;

/** Parses a TRUST_PROXY value: empty/`false`/`0` off, `true`, a hop count 1..32, or CIDRs/addresses. */
export function parseTrustProxy(value: string | undefined): TrustProxyParse {
  const text = (value ?? "").trim();
  if (text === "" || text === "false" || text === "0") return { ok: true, trust: TRUST_PROXY_OFF };
  if (text === "true") return { ok: true, trust: { kind: "all" } };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_HOPS) return { ok: false, problems: [`a hop count must be 1..${MAX_HOPS}`] };
    return { ok: true, trust: { kind: "hops", hops } };
  }
  const ranges: TrustedRange[] = [];
  const problems: string[] = [];
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const range = parseRange(entry);
    if (range) ranges.push(range);
    else problems.push(`"${entry}" is not an IP address or CIDR (write IPv4 in dotted decimal)`);
  }
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, trust: { kind: "ranges", ranges, text: ranges.map(formatRange).join(",") } };
}

function parseRange(entry: string): TrustedRange | null {
  try {
    if (entry.includes("/")) {
      const [address, prefix] = ipaddr.parseCIDR(entry);
      if (address.kind() === "ipv4" && !ipaddr.IPv4.isValidFourPartDecimal(entry.split("/")[0]!)) return null;
      return {
        address: normalize(address),
        prefix: address.kind() === "ipv6" && isMapped(address) ? prefix - 96 : prefix,
      };
    }
    const address = parseHop(entry);
    return address ? { address, prefix: address.kind() === "ipv4" ? 32 : 128 } : null;
  } catch {
    return null;
  }
}

function formatRange(range: TrustedRange): string {
  return `${range.address.toString()}/${range.prefix}`;
}

function isMapped(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress();
}

function normalize(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return isMapped(address) ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

/** One hop as written in a header or by the socket: an address, maybe with a port or brackets. */
function parseHop(raw: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  let text = raw.trim();
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) text = text.slice(1, -1);
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  // A zone (`fe80::1%eth0`) scopes a link-local address; it is no part of the client's identity.
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone);
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(":") && ipaddr.IPv6.isValid(text)) return normalize(ipaddr.IPv6.parse(text));
  return null;
}

function inRanges(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: readonly TrustedRange[]): boolean {
  return ranges.some(
    (range) => range.address.kind() === address.kind() && address.match(range.address, range.prefix),
  );
}

/** The `for=` values of `Forwarded` header(s), left to right. */
function forwardedFor(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const element of value.split(",")) {
      for (const pair of element.split(";")) {
        const eq = pair.indexOf("=");
        if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === "for")
          out.push(pair.slice(eq + 1).trim());
      }
    }
  }
  return out;
}

function listOf(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === "string" ? [value] : [...value];
}

export interface ClientAddressInput {
  /** The socket peer (`req.socket.remoteAddress`). */
  readonly peer: string | undefined | null;
  readonly xForwardedFor?: string | readonly string[] | undefined;
  readonly forwarded?: string | readonly string[] | undefined;
}

/** The client address of a request under a TRUST_PROXY setting; null when the peer is unknown. */
export function resolveClientAddress(input: ClientAddressInput, trust: TrustProxy): string | null {
  const peer = input.peer ? parseHop(input.peer) : null;
  if (peer === null) return input.peer ? input.peer : null;
  if (trust.kind === "off") return peer.toString();
  const xff = listOf(input.xForwardedFor);
  const hops =
    xff.length > 0
      ? xff
          .flatMap((v) => v.split(","))
          .map((h) => h.trim())
          .filter((h) => h !== "")
      : forwardedFor(listOf(input.forwarded));
  // The chain from the nearest hop outwards: the peer, then the header right to left.
  const chain = [peer.toString(), ...hops.reverse()];
  let index = 0;
  const trusted = (i: number, address: ipaddr.IPv4 | ipaddr.IPv6): boolean => {
    if (trust.kind === "all") return true;
    if (trust.kind === "hops") return i < trust.hops;
    return inRanges(address, trust.ranges);
  };
  let current = peer;
  while (index < chain.length - 1 && trusted(index, current)) {
    const next = parseHop(chain[index + 1]!);
    if (next === null) break;
    current = next;
    index++;
  }
  return current.toString();
}

/** The parts of a node:http request the client address is read from. */
export interface RequestLike {
  readonly socket: { readonly remoteAddress?: string | undefined };
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

interface ResolvedOnSocket {
  readonly trust: TrustProxy;
  readonly peer: string | undefined;
  readonly xForwardedFor: string | string[] | undefined;
  readonly forwarded: string | string[] | undefined;
  readonly address: string | null;
}

/**
 * The last resolution per socket: a keep-alive connection sends many requests from one peer (and,
 * behind a proxy, usually the same forwarding headers), and parsing addresses with ipaddr.js costs
 * ~10-20 µs per request. The answer is a pure function of the inputs compared here.
 */
const lastBySocket = new WeakMap<object, ResolvedOnSocket>();

/** `resolveClientAddress` over a node:http request (socket peer, X-Forwarded-For, Forwarded). */
export function clientAddressOfRequest(req: RequestLike, trust: TrustProxy): string | null {
  const peer = req.socket.remoteAddress;
  const xForwardedFor = req.headers["x-forwarded-for"];
  const forwarded = req.headers.forwarded;
  const last = lastBySocket.get(req.socket);
  if (
    last !== undefined &&
    last.trust === trust &&
    last.peer === peer &&
    last.xForwardedFor === xForwardedFor &&
    last.forwarded === forwarded
  ) {
    return last.address;
  }
  const address = resolveClientAddress({ peer, xForwardedFor, forwarded }, trust);
  lastBySocket.set(req.socket, { trust, peer, xForwardedFor, forwarded, address });
  return address;
}
