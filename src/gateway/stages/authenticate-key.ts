import { AppError } from "../../core/errors/catalogue";
import { digestGatewayKey } from "../../security/gateway-key";
import type { ProxyContext } from "../gateway-types";
import type { RoutingSnapshot } from "../snapshot/snapshot-types";

const BEARER = /^bearer\s+/i;

/** The presented gateway key: `Authorization: Bearer …` first, else `x-api-key`. */
function presentedKey(ctx: ProxyContext): string | null {
  const auth = ctx.req.headers.authorization;
  if (auth !== undefined && BEARER.test(auth)) {
    const key = auth.replace(BEARER, "").trim();
    if (key !== "") return key;
  }
  const header = ctx.req.headers["x-api-key"];
  const value = Array.isArray(header) ? header[0] : header;
  const key = value?.trim();
  return key ? key : null;
}

/** Resolves the gateway key against the snapshot: 401 when missing, unknown, disabled or expired. */
export function authenticateKey(ctx: ProxyContext, snapshot: RoutingSnapshot, nowMs: number): void {
  const presented = presentedKey(ctx);
  if (presented === null) throw new AppError("GATEWAY_KEY_MISSING");
  // Disabled keys are not in the snapshot at all, so they read as unknown.
  const key = snapshot.keysByDigest.get(digestGatewayKey(presented));
  if (key === undefined || (key.expiresAt !== null && key.expiresAt <= nowMs)) {
    throw new AppError("GATEWAY_KEY_INVALID");
  }
  ctx.key = key;
}

/** Finds the enabled group (404) and checks a group-scoped key may use it (403). */
export function resolveGroup(ctx: ProxyContext, snapshot: RoutingSnapshot): void {
  const group = ctx.groupSlug === null ? undefined : snapshot.groupsBySlug.get(ctx.groupSlug);
  if (group === undefined) throw new AppError("GROUP_UNKNOWN");
  if (ctx.key !== null && ctx.key.groupId !== null && ctx.key.groupId !== group.id) {
    throw new AppError("GATEWAY_KEY_SCOPE");
  }
  ctx.group = group;
}
