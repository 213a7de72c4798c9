/**
 * Reads a host the way the WHATWG URL parser does, so an address written oddly — `2130706433`,
 * `0x7f.1`, `0177.0.0.1`, `127.1`, `%31%32%37.0.0.1`, full-width digits, `[::ffff:127.0.0.1]` —
 * is judged as the address it stands for. The parsing is the platform's own `URL` (pure, no I/O):
 * the same code that will build the request decides what the host is, so the two cannot disagree.
 * Whatever `getaddrinfo` makes of a name is judged after resolution, on the addresses it returns.
 */
import { parseIpAddress, type IpAddress } from "./address-ranges";

export type HostLiteral =
  | {
      readonly kind: "address";
      /** The address in canonical form (dotted IPv4, compressed lower-case IPv6 without brackets). */
      readonly address: string;
      readonly parsed: IpAddress;
    }
  | {
      readonly kind: "name";
      /** Lower-case ASCII (punycode), without a trailing dot. */
      readonly name: string;
    }
  | { readonly kind: "invalid" };

// Characters that would make the URL parser read a port, a path, credentials or a fragment instead.
const NOT_IN_A_HOST = /[\s/\\?#@]/;

/** Canonical form of a host name: lower case (the URL parser did that), no trailing dot. */
function canonicalName(hostname: string): string {
  return hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
}

/**
 * Parses a host as written in a URL or a config field (`example.com`, `10.0.0.1`, `[::1]` or a bare
 * `::1`): an IP address, a host name, or invalid.
 */
export function parseHostLiteral(raw: string): HostLiteral {
  if (raw === "" || NOT_IN_A_HOST.test(raw)) return { kind: "invalid" };
  const bracketed = raw.startsWith("[") ? raw : raw.includes(":") ? `[${raw}]` : raw;
  if (bracketed.includes(":") && !(bracketed.startsWith("[") && bracketed.endsWith("]"))) {
    return { kind: "invalid" };
  }
  let url: URL;
  try {
    url = new URL(`http://${bracketed}/`);
  } catch {
    return { kind: "invalid" };
  }
  if (url.port !== "" || url.username !== "" || url.pathname !== "/" || url.hostname === "") {
    return { kind: "invalid" };
  }
  return hostLiteralOfHostname(url.hostname);
}

/** Classifies `URL#hostname` (already parsed by the URL parser) as an address or a name. */
export function hostLiteralOfHostname(hostname: string): HostLiteral {
  const unbracketed = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  // The URL parser has already turned every IPv4 spelling into dotted decimal.
  const parsed = parseIpAddress(unbracketed);
  if (parsed !== null) return { kind: "address", address: parsed.toString(), parsed };
  if (unbracketed.includes(":") || unbracketed === "" || unbracketed === ".") return { kind: "invalid" };
  return { kind: "name", name: canonicalName(unbracketed.toLowerCase()) };
}
