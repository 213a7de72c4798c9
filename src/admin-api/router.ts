import { randomUUID } from "node:crypto";
import { AppError, isAppError } from "@/core/errors/catalogue";
import type { Logger } from "@/observability/logger";
import type { AdminServices } from "@/services/admin-services";
import { findPgError } from "@/services/service-context";
import { errorResponse } from "@/http/web-response";
import { decodeUtf8, isJsonMediaType, mediaTypeOf, parseJsonText, readBodyBytes } from "./http-io";
import { PACED_JSON_MIN_CHARS, parseJsonTextPaced } from "./paced-json";
import type { ActingTenant, RouteContext } from "./route-types";
import { DEFAULT_TENANT_ID, TENANT_HEADER } from "@/core/vocabulary/tenants";
import { compileRoutes, type RouteTable } from "./route-table";
import { ADMIN_ROUTES } from "./routes";
import type { Actor } from "@/contracts/actor";
import type { Authenticate } from "./types";

export interface AdminApiOptions {
  readonly services: AdminServices;
  readonly authenticate: Authenticate;
  /** Largest accepted request body (env ADMIN_MAX_BODY_BYTES, 5 MiB by default). */
  readonly maxBodyBytes: number;
  readonly logger: Logger;
  /** Where the API is mounted; `/api/admin` unless told otherwise. */
  readonly basePath?: string;
}

export interface RequestInfo {
  /** Client address as the server determined it; recorded in the audit log. */
  readonly ip: string | null;
}

export interface AdminApi {
  /** Answers one admin API request; never throws (errors become the unified error body). */
  handle(request: Request, info: RequestInfo): Promise<Response>;
}

const ROLE_RANK = { viewer: 0, admin: 1 } as const;

/** Creates the framework-free admin router over web-standard Request/Response. */
export function createAdminApi(options: AdminApiOptions): AdminApi {
  const table: RouteTable = compileRoutes(ADMIN_ROUTES);
  const basePath = (options.basePath ?? "/api/admin").replace(/\/$/, "");

  async function dispatch(request: Request, url: URL, info: RequestInfo): Promise<Response> {
    const path = url.pathname;
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return errorResponse("ROUTE_NOT_FOUND");
    const actor = await options.authenticate(request);
    if (!actor) {
      return errorResponse("UNAUTHENTICATED", undefined, undefined, {
        "www-authenticate": 'Bearer realm="roundabout-admin"',
      });
    }
    const found = table.match(request.method, path.slice(basePath.length));
    if (found.kind === "not_found") return errorResponse("ROUTE_NOT_FOUND");
    if (found.kind === "method_not_allowed") {
      return errorResponse("METHOD_NOT_ALLOWED", undefined, undefined, { allow: found.allow.join(", ") });
    }
    const tenant = await actingTenant(request, actor);
    if (found.route.system === true && !tenant.system) {
      return errorResponse("FORBIDDEN", "Only a system administrator can do this.");
    }
    if (ROLE_RANK[tenant.role] < ROLE_RANK[found.route.role]) {
      return errorResponse(
        "FORBIDDEN",
        `The ${tenant.role} role cannot do this; it needs ${found.route.role}.`,
      );
    }
    return found.route.handler(createContext(request, url, found.params, actor, tenant, info));
  }

  /**
   * The tenant a request acts in: a tenant token's own; for a tenant user (a member of some tenant),
   * the member tenant named by `X-Roundabout-Tenant` (else its first); for a system user or the
   * ADMIN_TOKEN, the tenant the header names, else `default`. A slug the caller may not use is
   * TENANT_NOT_FOUND, whether it exists or not.
   */
  async function actingTenant(request: Request, actor: Actor): Promise<ActingTenant> {
    const slug = request.headers.get(TENANT_HEADER)?.trim() || null;
    if (actor.tenantId !== undefined) {
      return { id: actor.tenantId, role: actor.role, system: false, memberships: [] };
    }
    const memberships = actor.id === null ? [] : await options.services.tenants.membershipsOf(actor.id);
    if (memberships.length > 0) {
      const chosen = slug === null ? memberships[0]! : memberships.find((m) => m.slug === slug);
      if (chosen === undefined) throw new AppError("TENANT_NOT_FOUND");
      return {
        id: chosen.id,
        role: chosen.role === "viewer" ? "viewer" : "admin",
        system: false,
        memberships,
      };
    }
    if (slug === null) return { id: DEFAULT_TENANT_ID, role: actor.role, system: true, memberships: [] };
    const named = await options.services.tenants.findBySlug(slug);
    if (named === null) throw new AppError("TENANT_NOT_FOUND");
    return { id: named.id, role: actor.role, system: true, memberships: [] };
  }

  function createContext(
    request: Request,
    url: URL,
    params: Record<string, string>,
    actor: Actor,
    tenant: ActingTenant,
    info: RequestInfo,
  ): RouteContext {
    const readJsonBody = async (required: boolean): Promise<unknown> => {
      if (request.body === null) {
        if (!required) return undefined;
        throw new AppError("INVALID_JSON", "A JSON body is required.");
      }
      if (!isJsonMediaType(mediaTypeOf(request))) throw new AppError("UNSUPPORTED_MEDIA_TYPE");
      const bytes = await readBodyBytes(request, options.maxBodyBytes);
      if (bytes === null || bytes.byteLength === 0) {
        if (!required) return undefined;
        throw new AppError("INVALID_JSON", "A JSON body is required.");
      }
      const text = decodeUtf8(bytes, "INVALID_JSON");
      // A large body (a config import) is parsed in slices so the proxy on this loop is not held up.
      return text.length < PACED_JSON_MIN_CHARS ? parseJsonText(text) : parseJsonTextPaced(text);
    };
    return {
      request,
      url,
      params,
      actor,
      by: { actor, ip: info.ip },
      services: options.services.forTenant(tenant.id),
      tenant,
      readJson: () => readJsonBody(true),
      readOptionalJson: () => readJsonBody(false),
      async readText(mediaTypes) {
        const mediaType = mediaTypeOf(request);
        if (request.body !== null && (mediaType === null || !mediaTypes.includes(mediaType))) {
          throw new AppError("UNSUPPORTED_MEDIA_TYPE", `Send the body as ${mediaTypes.join(" or ")}.`);
        }
        const bytes = await readBodyBytes(request, options.maxBodyBytes);
        if (bytes === null) throw new AppError("VALIDATION_FAILED", "A request body is required.");
        return decodeUtf8(bytes, "VALIDATION_FAILED");
      },
      queryFlag(name, fallback) {
        const value = url.searchParams.get(name);
        if (value === null || value === "") return fallback;
        if (value === "true" || value === "1") return true;
        if (value === "false" || value === "0") return false;
        throw new AppError("INVALID_QUERY", `Query parameter "${name}" must be true or false.`, {
          issues: [{ path: name, message: "must be true or false" }],
        });
      },
    };
  }

  function toErrorResponse(err: unknown, request: Request, url: URL, requestId: string): Response {
    if (isAppError(err)) {
      // After a refused body the rest of it is still in flight: close rather than drain it.
      const headers: Record<string, string> = err.code === "BODY_TOO_LARGE" ? { connection: "close" } : {};
      return errorResponse(err.code, err.message, err.details, headers);
    }
    const pg = findPgError(err);
    // Logged without the error message: driver errors can carry query parameters.
    options.logger.error(
      {
        requestId,
        method: request.method,
        path: url.pathname,
        errName: err instanceof Error ? err.name : typeof err,
        pgCode: pg?.code,
        constraint: pg?.constraint,
        stack: err instanceof Error ? err.stack?.split("\n").slice(1, 8).join("\n") : undefined,
      },
      "admin api request failed",
    );
    return errorResponse("INTERNAL_ERROR");
  }

  return {
    async handle(request, info) {
      // One id per request: in the x-request-id header and in every log line about the request.
      const requestId = randomUUID();
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return withRequestId(errorResponse("ROUTE_NOT_FOUND"), requestId);
      }
      let response: Response;
      try {
        response = await dispatch(request, url, info);
      } catch (err) {
        response = toErrorResponse(err, request, url, requestId);
      }
      return withRequestId(response, requestId);
    },
  };
}

/** Tags a response with the request id (a response with immutable headers is wrapped first). */
function withRequestId(response: Response, requestId: string): Response {
  try {
    response.headers.set("x-request-id", requestId);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    headers.set("x-request-id", requestId);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}
