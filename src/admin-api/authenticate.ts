import { bearerTokenOf, createSecretMatcher } from "../security/secret-token";
import { looksLikeTenantToken } from "../security/tenant-token";
import type { TenantTokenIdentity } from "@/services/tenant-service";
import type { Actor } from "@/contracts/actor";
import type { Authenticate } from "./types";

export interface AuthenticatorOptions {
  /** Static automation token (`Authorization: Bearer <ADMIN_TOKEN>`); grants the admin role. */
  adminToken?: string;
  /** Resolves a console session from the request's cookies (better-auth); optional. */
  resolveSession?: (request: Request) => Promise<Actor | null>;
  /** Resolves a tenant admin token (`rbt-…`); it acts in its tenant only, with its role. */
  resolveTenantToken?: (token: string) => Promise<TenantTokenIdentity | null>;
}

const TOKEN_ACTOR: Actor = { id: null, name: "admin-token", role: "admin", via: "token" };

/** Builds the admin authenticator: a Bearer ADMIN_TOKEN first, then a console session. */
export function createAuthenticator(options: AuthenticatorOptions): Authenticate {
  const isAdminToken = options.adminToken ? createSecretMatcher(options.adminToken) : null;
  return async (request) => {
    const header = request.headers.get("authorization");
    if (header && /^bearer\s+/i.test(header)) {
      const bearer = bearerTokenOf(header);
      if (isAdminToken?.(bearer)) return TOKEN_ACTOR;
      if (options.resolveTenantToken && bearer !== null && looksLikeTenantToken(bearer)) {
        const identity = await options.resolveTenantToken(bearer);
        if (identity === null) return null;
        return {
          id: null,
          name: `token:${identity.name}`,
          role: identity.role,
          via: "token",
          tenantId: identity.tenantId,
        };
      }
      // A bearer header that is not the admin token is not silently ignored in favour of a cookie.
      if (!options.resolveSession) return null;
    }
    return options.resolveSession ? options.resolveSession(request) : null;
  };
}
