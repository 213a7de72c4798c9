import type { AdminServices, WriteContext } from "@/services/admin-services";
import type { Actor } from "@/contracts/actor";

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
  readonly services: AdminServices;
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
  readonly handler: RouteHandler;
}
