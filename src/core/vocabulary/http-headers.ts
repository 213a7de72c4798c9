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
