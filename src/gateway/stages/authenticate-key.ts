import type { IncomingHttpHeaders } from "node:http";
import { AppError } from "../../core/errors/catalogue";
import { digestGatewayKey } from "../../security/gateway-key";
import type { Route } from "../context/request-facts";
import {
  groupSlugKey,
  type RoutingSnapshot,
  type SnapshotGroup,
  type SnapshotKey,
} from "../snapshot/snapshot-types";

const BEARER = /^bearer\s+/i;

/** The presented gateway key: `Authorization: Bearer …` first, else `x-api-key`. */
export function presentedKey(headers: IncomingHttpHeaders): string | null {
  const auth = headers.authorization;
  if (auth !== undefined && BEARER.test(auth)) {
    const key = auth.replace(BEARER, "").trim();
    if (key !== "") return key;
  }
  const header = headers["x-api-key"];
  const value = Array.isArray(header) ? header[0] : header;
  const key = value?.trim();
  return key ? key : null;
}

/**
 * Resolves the gateway key against the snapshot: 401 when missing, unknown, disabled or expired; 403
 * TENANT_DISABLED when its tenant is disabled.
 */
export function authenticateKey(
  headers: IncomingHttpHeaders,
  snapshot: RoutingSnapshot,
  nowMs: number,
): SnapshotKey {
  const presented = presentedKey(headers);
  if (presented === null) throw new AppError("GATEWAY_KEY_MISSING");
  // Disabled keys are not in the snapshot at all, so they read as unknown.
  const key = snapshot.keysByDigest.get(digestGatewayKey(presented));
  if (key === undefined || (key.expiresAt !== null && key.expiresAt <= nowMs)) {
    throw new AppError("GATEWAY_KEY_INVALID");
  }
  if (!key.tenantEnabled) throw new AppError("TENANT_DISABLED");
  return key;
}

/**
 * Finds the route's enabled group inside the key's tenant (404: another tenant's group of that slug is
 * as unknown as a missing one) and checks a group-scoped key may use it (403).
 */
export function resolveGroup(snapshot: RoutingSnapshot, route: Route, key: SnapshotKey): SnapshotGroup {
  const group = snapshot.groupsBySlug.get(groupSlugKey(key.tenantId, route.groupSlug));
  if (group === undefined) throw new AppError("GROUP_UNKNOWN");
  if (key.groupId !== null && key.groupId !== group.id) throw new AppError("GATEWAY_KEY_SCOPE");
  return group;
}
