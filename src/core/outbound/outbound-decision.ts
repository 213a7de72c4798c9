/**
 * The outbound verdict: may a request go to this URL, host, or these resolved addresses? Public
 * addresses pass; special-purpose ones (loopback, private, link-local…) pass only when the
 * operator's allow-list covers them. Pure: resolving names is the caller's job.
 */
import {
  classifyParsedAddress,
  parseIpAddress,
  type BlockedRange,
  type EmbeddedIPv4,
} from "./address-ranges";
import { allowNameFor, allowRangeFor, type OutboundPolicy } from "./allow-list";
import { hostLiteralOfHostname, parseHostLiteral, type HostLiteral } from "./host-literal";

/** Why a request is refused: the blocked range, or a malformed target. */
export type OutboundDenyReason =
  BlockedRange | "invalid_address" | "invalid_host" | "invalid_url" | "unsupported_scheme";

export type AddressDecision =
  | { readonly allowed: true; readonly address: string; readonly reason: "public" }
  | {
      readonly allowed: true;
      readonly address: string;
      readonly reason: "allow_list";
      readonly range: BlockedRange;
      /** The `OUTBOUND_ALLOW` entry that permits it. */
      readonly entry: string;
    }
  | {
      readonly allowed: false;
      readonly address: string;
      readonly reason: BlockedRange | "invalid_address";
      readonly embedded: EmbeddedIPv4 | null;
    };

/** Judges one address (as a resolver returns it). */
export function decideAddress(address: string, policy: OutboundPolicy): AddressDecision {
  const parsed = parseIpAddress(address);
  if (parsed === null) return { allowed: false, address, reason: "invalid_address", embedded: null };
  const verdict = classifyParsedAddress(parsed);
  if (verdict.kind === "public") return { allowed: true, address: verdict.address, reason: "public" };
  const entry = allowRangeFor(parsed, policy);
  if (entry !== null) {
    return { allowed: true, address: verdict.address, reason: "allow_list", range: verdict.range, entry };
  }
  return { allowed: false, address: verdict.address, reason: verdict.range, embedded: verdict.embedded };
}

/** What to do with a host before any connection: judge a literal now, or resolve a name. */
export type HostPlan =
  | { readonly kind: "refused"; readonly host: string; readonly reason: OutboundDenyReason }
  | { readonly kind: "address"; readonly host: string; readonly decision: AddressDecision }
  | {
      readonly kind: "name";
      readonly host: string;
      readonly name: string;
      /** The `OUTBOUND_ALLOW` entry naming this host: its addresses are then not judged. */
      readonly allowEntry: string | null;
    };

function planLiteral(host: string, literal: HostLiteral, policy: OutboundPolicy): HostPlan {
  if (literal.kind === "invalid") return { kind: "refused", host, reason: "invalid_host" };
  if (literal.kind === "address") {
    return { kind: "address", host, decision: decideAddress(literal.address, policy) };
  }
  return { kind: "name", host, name: literal.name, allowEntry: allowNameFor(literal.name, policy) };
}

/** Plans a host written in a config field (SMTP host) or handed over by a connector. */
export function planOutboundHost(host: string, policy: OutboundPolicy): HostPlan {
  return planLiteral(host, parseHostLiteral(host), policy);
}

const PROTOCOLS = new Set(["http:", "https:"]);

/** Plans an http(s) URL; any other scheme is refused. */
export function planOutboundUrl(url: string | URL, policy: OutboundPolicy): HostPlan {
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : url;
  } catch {
    return { kind: "refused", host: "", reason: "invalid_url" };
  }
  if (!PROTOCOLS.has(parsed.protocol)) {
    return { kind: "refused", host: parsed.hostname, reason: "unsupported_scheme" };
  }
  return planLiteral(parsed.hostname, hostLiteralOfHostname(parsed.hostname), policy);
}

export type ResolvedDecision =
  | { readonly allowed: true; readonly addresses: readonly string[] }
  | { readonly allowed: false; readonly denied: Extract<AddressDecision, { allowed: false }> };

/**
 * Judges every address a name resolved to. One refused address refuses the name: a resolver that
 * answers with a public and a private address lets the client pick either, so judging only the
 * first would let a split answer through.
 */
export function decideResolved(
  plan: Extract<HostPlan, { kind: "name" }>,
  addresses: readonly string[],
  policy: OutboundPolicy,
): ResolvedDecision {
  if (addresses.length === 0) {
    return {
      allowed: false,
      denied: { allowed: false, address: "", reason: "invalid_address", embedded: null },
    };
  }
  if (plan.allowEntry !== null) return { allowed: true, addresses };
  for (const address of addresses) {
    const decision = decideAddress(address, policy);
    if (!decision.allowed) return { allowed: false, denied: decision };
  }
  return { allowed: true, addresses };
}

const RANGE_LABELS: Record<BlockedRange, string> = {
  unspecified: "an unspecified address",
  loopback: "a loopback address",
  private: "a private (RFC 1918) address",
  cgnat: "a carrier-grade NAT (100.64.0.0/10) address",
  link_local: "a link-local address (169.254.0.0/16, cloud metadata)",
  unique_local: "a unique-local IPv6 address (fc00::/7)",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  reserved: "a reserved address",
  benchmarking: "a benchmarking address (198.18.0.0/15)",
  documentation: "a documentation address",
  translation: "an IPv6 transition address (Teredo, IPv4-compatible, local NAT64)",
};

/**
 * The operator-facing sentence for a refusal; it names `OUTBOUND_ALLOW` and what to add to it.
 * `host` is the host as written, `address` what it resolved to (equal for a literal).
 */
export function describeOutboundDenial(host: string, reason: OutboundDenyReason, address: string): string {
  switch (reason) {
    case "invalid_url":
      return "The URL is not valid.";
    case "unsupported_scheme":
      return "Only http:// and https:// URLs can be used for outbound requests.";
    case "invalid_host":
      return `"${host}" is not a valid host name or IP address.`;
    case "invalid_address":
      return `"${host}" did not resolve to a usable IP address.`;
  }
  const target = host === address || host === "" ? address : `${host} (${address})`;
  const suggestion = host === address || host === "" ? address : `${address} or ${host}`;
  return (
    `Outbound requests to ${target} are refused: it is ${RANGE_LABELS[reason]}. ` +
    `To allow it, add ${suggestion} to the OUTBOUND_ALLOW setting and restart.`
  );
}
