import type { IncomingHttpHeaders } from "node:http";
import { AppError } from "../../core/errors/catalogue";
import type { Route } from "../context/request-facts";

/** Every proxied URL starts with this; the next segment is the group slug. */
export const PROXY_PREFIX = "/api/proxy/";

/** The URL without its query (what the log records for a request refused before its route was known). */
export function pathnameOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Splits `/api/proxy/{slug}/{path}?{query}` into slug, path and query. The path is appended to the
 * provider's base path; `confinePath` (the next stage) refuses one that could climb out of it.
 */
export function parseRoute(url: string, method: string, headers: IncomingHttpHeaders): Route {
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  if (!pathname.startsWith(PROXY_PREFIX)) throw new AppError("ROUTE_NOT_FOUND");
  const slash = pathname.indexOf("/", PROXY_PREFIX.length);
  const slug =
    slash === -1 ? pathname.slice(PROXY_PREFIX.length) : pathname.slice(PROXY_PREFIX.length, slash);
  if (slug === "") throw new AppError("ROUTE_NOT_FOUND");
  const rest = slash === -1 ? "/" : pathname.slice(slash);
  return {
    method,
    groupSlug: slug,
    path: rest,
    query: q === -1 ? "" : url.slice(q),
    anthropic: rest.startsWith("/v1/messages") || headers["anthropic-version"] !== undefined,
  };
}
