import { AppError } from "../../core/errors/catalogue";
import type { ProxyContext } from "../gateway-types";

/** Every proxied URL starts with this; the next segment is the group slug. */
export const PROXY_PREFIX = "/api/proxy/";

/**
 * Splits `/api/proxy/{slug}/{path}?{query}` into slug, path and query. The path is appended to the
 * provider's base path; `confinePath` (the next stage) refuses one that could climb out of it.
 */
export function parseRoute(ctx: ProxyContext, url: string): void {
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  ctx.path = pathname;
  if (!pathname.startsWith(PROXY_PREFIX)) throw new AppError("ROUTE_NOT_FOUND");
  const slash = pathname.indexOf("/", PROXY_PREFIX.length);
  const slug =
    slash === -1 ? pathname.slice(PROXY_PREFIX.length) : pathname.slice(PROXY_PREFIX.length, slash);
  if (slug === "") throw new AppError("ROUTE_NOT_FOUND");
  const rest = slash === -1 ? "/" : pathname.slice(slash);
  ctx.groupSlug = slug;
  ctx.path = rest;
  ctx.query = q === -1 ? "" : url.slice(q);
  ctx.anthropic = rest.startsWith("/v1/messages") || ctx.req.headers["anthropic-version"] !== undefined;
}
