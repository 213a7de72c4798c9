/**
 * Hop-by-hop headers (RFC 9110 §7.6.1, plus the legacy `keep-alive`, `proxy-connection` and
 * `trailers`): they describe one connection, so a proxy never forwards them and a provider's extra
 * headers may not set them.
 */
export const HOP_BY_HOP_HEADERS = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "trailers",
  "transfer-encoding",
  "upgrade",
] as const;

/**
 * Upstream response headers that never reach a client. The gateway and the console share one origin:
 * an upstream cookie would land in the console's cookie jar (next to the session cookie), and an
 * upstream's CORS headers would widen who may read our origin. Browsers calling the gateway get CORS
 * from us, never from a provider.
 */
export const UPSTREAM_RESPONSE_DROPPED_HEADERS = ["set-cookie", "set-cookie2"] as const;

/** Prefix of the CORS response headers (`access-control-allow-origin` …), dropped from upstream answers. */
export const CORS_RESPONSE_HEADER_PREFIX = "access-control-";
