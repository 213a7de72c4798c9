import type { AdminServices, WriteContext } from "@/services/admin-services";
import type { Actor } from "@/contracts/actor";
import type { TenantMembership } from "@/contracts/tenants";
import type { ErrorCode } from "@/core/errors/catalogue";
import type { z } from "zod";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** `viewer` routes are open to both roles; `admin` routes refuse viewers with 403. */
export type RouteRole = "viewer" | "admin";

export interface RouteContext {
  readonly request: Request;
  readonly url: URL;
  /** Decoded path parameters (`:id` → `params.id`). */
  readonly params: Readonly<Record<string, string>>;
  readonly actor: Actor;
  /** Actor and client address, as the services record them in the audit log. */
  readonly by: WriteContext;
  /** The services acting in the request's tenant (see `tenant`). */
  readonly services: AdminServices;
  /** The tenant the request acts in, and whether the caller is a system user (sees every tenant). */
  readonly tenant: ActingTenant;
  /** Reads and parses a required JSON body (415, 413, 400 INVALID_JSON on failure). */
  readJson(): Promise<unknown>;
  /** Like readJson, but answers undefined when the request has no body. */
  readOptionalJson(): Promise<unknown>;
  /** Reads a required text body whose media type is one of `mediaTypes`. */
  readText(mediaTypes: readonly string[]): Promise<string>;
  /** A boolean query flag (`true|false|1|0`); INVALID_QUERY for anything else. */
  queryFlag(name: string, fallback: boolean): boolean;
}

export type RouteHandler = (ctx: RouteContext) => Promise<Response>;

/** One admin route, declared as data; the router compiles the table once. */
export interface RouteDefinition {
  readonly method: HttpMethod;
  /** Path below `/api/admin`, with `:name` parameters: `/providers/:id`. */
  readonly pattern: string;
  readonly role: RouteRole;
  /**
   * System level (tenants, console users, the live stream of every tenant): only a system user or the
   * ADMIN_TOKEN may call it; a tenant's user or token is answered 403.
   */
  readonly system?: boolean;
  readonly handler: RouteHandler;
  /** What `GET /api/openapi.json` says about the route (`src/admin-api/openapi/`). */
  readonly doc?: RouteDoc;
}

/**
 * A route's API description, from the same zod schemas its service validates with: one `doc` line per
 * route keeps the OpenAPI document generated rather than written.
 */
export interface RouteDoc {
  readonly summary: string;
  /** JSON request body schema (validated by the service). */
  readonly body?: z.ZodType;
  /** A non-JSON request body instead: its media type (`text/csv`). */
  readonly bodyMediaType?: string;
  readonly bodyOptional?: boolean;
  /** Query parameters: a zod object schema, each key one parameter. */
  readonly query?: z.ZodObject;
  /** JSON answer schema; with `responseMediaType` a download of that type instead. */
  readonly response?: z.ZodType;
  readonly responseMediaType?: string;
  /** Success status: 200 unless told (201 created, 204 no content). */
  readonly status?: 200 | 201 | 204;
  /** Error codes worth naming beyond the ones every admin route may answer. */
  readonly errors?: readonly ErrorCode[];
  /** A request body that works against a fresh server, exercised by the OpenAPI test. */
  readonly example?: unknown;
}

/** Which tenant an admin request acts in, and as whom. */
export interface ActingTenant {
  readonly id: string;
  /** The role that applies in it: the tenant role for tenant users and tokens, the user role otherwise. */
  readonly role: RouteRole;
  /** A system user or the ADMIN_TOKEN: may name any tenant (`X-Roundabout-Tenant`) and call system routes. */
  readonly system: boolean;
  /** For tenant users: the tenants they may switch between. */
  readonly memberships: readonly TenantMembership[];
}
