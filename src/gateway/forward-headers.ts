import type { IncomingHttpHeaders, OutgoingHttpHeader, OutgoingHttpHeaders } from "node:http";
import {
  CORS_RESPONSE_HEADER_PREFIX,
  HOP_BY_HOP_HEADERS,
  UPSTREAM_RESPONSE_DROPPED_HEADERS,
} from "../core/vocabulary/http-headers";
import { authHeaderNameOf } from "../core/vocabulary/providers";
import type { SnapshotProvider } from "./snapshot/snapshot-types";

/**
 * Header rules between client and upstream. Hop-by-hop headers describe one connection and never
 * cross the proxy; client credentials and anything that could spoof our own headers are dropped; the
 * provider's credential goes in last so nothing the client sends can replace it.
 */

const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);
const UPSTREAM_DROPPED: ReadonlySet<string> = new Set(UPSTREAM_RESPONSE_DROPPED_HEADERS);

/** Dropped from client requests on top of hop-by-hop headers. */
const CLIENT_DROPPED = new Set([
  "authorization",
  "x-api-key",
  "cookie",
  "host",
  // The body is replayed from a buffer: undici sets the length itself and cannot send `expect`.
  "content-length",
  "expect",
  "forwarded",
  "x-real-ip",
  "x-request-id",
  // We send `identity` so usage can be parsed from the bytes that pass through.
  "accept-encoding",
]);

/** Lower-cased names listed in a Connection header (they are hop-by-hop too). */
function connectionListed(value: string | string[] | undefined): Set<string> | null {
  if (value === undefined) return null;
  const text = Array.isArray(value) ? value.join(",") : value;
  if (text.indexOf(",") === -1 && HOP_BY_HOP.has(text.trim().toLowerCase())) return null;
  const names = new Set<string>();
  for (const part of text.split(",")) {
    const name = part.trim().toLowerCase();
    if (name) names.add(name);
  }
  return names;
}

/** Builds the headers sent upstream for one attempt. */
export function buildUpstreamHeaders(
  incoming: IncomingHttpHeaders,
  provider: SnapshotProvider,
  requestId: string,
): Record<string, string | string[]> {
  const listed = connectionListed(incoming.connection);
  // The header a `header:<name>` style puts the credential in is never taken from the client either.
  const authHeader = authHeaderNameOf(provider.authStyle);
  const out: Record<string, string | string[]> = {};
  for (const name in incoming) {
    if (HOP_BY_HOP.has(name) || CLIENT_DROPPED.has(name) || name === authHeader) continue;
    if (name.startsWith("x-proxy-") || name.startsWith("x-forwarded-") || name.startsWith("proxy-")) continue;
    if (listed !== null && listed.has(name)) continue;
    const value = incoming[name];
    if (value !== undefined) out[name] = value;
  }
  for (const name in provider.headers) {
    if (!HOP_BY_HOP.has(name)) out[name] = provider.headers[name]!;
  }
  const credential = provider.credential;
  if (credential !== null) {
    if (provider.authStyle === "bearer") out.authorization = `Bearer ${credential}`;
    else if (provider.authStyle === "x-api-key") out["x-api-key"] = credential;
    // `header:<name>`: set last, so an extra header of the same name cannot replace it.
    else if (authHeader !== null) out[authHeader] = credential;
  }
  out["accept-encoding"] = "identity";
  out["x-request-id"] = requestId;
  return out;
}

/** Cookies and CORS headers, whatever their case (a hand-written upstream may not lower-case). */
function isDroppedUpstreamHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return UPSTREAM_DROPPED.has(lower) || lower.startsWith(CORS_RESPONSE_HEADER_PREFIX);
}

export interface ProxyResponseMeta {
  readonly requestId: string;
  /** Header-safe provider name. */
  readonly providerName: string;
  readonly providerId: string;
  readonly responseTimeMs: number;
  readonly attempts: number;
}

/**
 * Builds the client response headers from the upstream's: hop-by-hop and `x-proxy-*` removed, cookies
 * and CORS headers removed (the console shares our origin), the upstream's own request id kept as
 * `x-upstream-request-id`, ours added (`extra`, e.g. the X-RateLimit and X-Quota headers, replaces an upstream
 * header of the same name). The answer is the flat `[name, value, …]` list `writeHead` takes: no
 * object is built per response (a key with quotas adds 24 headers, and 24 computed-key stores into a
 * fresh object cost more than the list).
 */
export function buildClientHeaders(
  upstream: IncomingHttpHeaders,
  meta: ProxyResponseMeta,
  extra?: Readonly<Record<string, string | number>> | null,
): OutgoingHttpHeader[] {
  const listed = connectionListed(upstream.connection);
  const out: OutgoingHttpHeader[] = [];
  for (const name in upstream) {
    if (HOP_BY_HOP.has(name) || name.startsWith("x-proxy-")) continue;
    if (isDroppedUpstreamHeader(name)) continue;
    if (listed !== null && listed.has(name)) continue;
    if (extra && Object.hasOwn(extra, name)) continue;
    const value = upstream[name];
    if (value === undefined) continue;
    out.push(name === "x-request-id" ? "x-upstream-request-id" : name, value);
  }
  if (extra) for (const name in extra) out.push(name, extra[name]!);
  out.push(
    "x-proxy-provider",
    meta.providerName,
    "x-proxy-provider-id",
    meta.providerId,
    "x-proxy-response-time",
    String(meta.responseTimeMs),
    "x-proxy-attempts",
    String(meta.attempts),
    "x-request-id",
    meta.requestId,
  );
  return out;
}

/** The object form of a header list (a later name replaces an earlier one, as object keys do). */
export function headersFromList(list: readonly OutgoingHttpHeader[]): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i]).toLowerCase()] = list[i + 1];
  return out;
}
