import { jsonResponse, noContent } from "@/http/web-response";
import type { AdminServices, WriteContext } from "@/services/admin-services";
import type { ErrorCode } from "@/core/errors/catalogue";
import { z } from "zod";
import type { RouteDefinition } from "../route-types";

/** A service over one collection of resources with ids, as the standard routes call it. */
export interface CollectionService {
  list(): Promise<readonly unknown[]>;
  create(by: WriteContext, input: unknown): Promise<{ readonly id: string }>;
  get(id: string): Promise<unknown>;
  update(by: WriteContext, id: string, input: unknown): Promise<unknown>;
  remove(by: WriteContext, id: string): Promise<void>;
}

/** What the OpenAPI document says about a collection: its zod contracts and error codes. */
export interface CollectionDoc {
  /** Singular noun for summaries: "provider". */
  readonly noun: string;
  readonly create: z.ZodType;
  readonly update: z.ZodType;
  /** One item as listed. */
  readonly item: z.ZodType;
  /** The GET-one and PUT answer when richer than `item`; the POST answer when `created` is absent. */
  readonly detail?: z.ZodType;
  /** The POST answer when it differs (an API key's one-time secret). */
  readonly created?: z.ZodType;
  readonly notFound: ErrorCode;
  /** Conflicts on create/update (name taken) and on delete (still in use). */
  readonly conflicts?: readonly ErrorCode[];
  readonly deleteConflicts?: readonly ErrorCode[];
  /** A create body valid on a fresh server (the OpenAPI test sends it). */
  readonly example?: unknown;
}

/**
 * The five routes of a collection at `path`: `GET` (`{ items }`) and `POST` (201 with a Location) on
 * the collection, `GET`, `PUT` and `DELETE` (204) on `path/:id`. Viewers read, admins write; with
 * `systemWrites`, only a system administrator writes (a collection every tenant shares).
 */
export function collectionRoutes(
  path: string,
  serviceOf: (services: AdminServices) => CollectionService,
  doc?: CollectionDoc,
  access: { readonly systemWrites?: boolean } = {},
): readonly RouteDefinition[] {
  const item = `${path}/:id`;
  const write =
    access.systemWrites === true ? ({ role: "admin", system: true } as const) : ({ role: "admin" } as const);
  const noun = doc?.noun ?? "item";
  const detail = doc?.detail ?? doc?.item;
  return [
    {
      method: "GET",
      pattern: path,
      role: "viewer",
      handler: async ({ services }) => jsonResponse({ items: await serviceOf(services).list() }),
      doc: doc && { summary: `List ${noun}s`, response: z.object({ items: z.array(doc.item) }) },
    },
    {
      method: "POST",
      pattern: path,
      ...write,
      doc: doc && {
        summary: `Create a ${noun}`,
        body: doc.create,
        response: doc.created ?? detail,
        status: 201,
        errors: doc.conflicts,
        example: doc.example,
      },
      handler: async (ctx) => {
        const created = await serviceOf(ctx.services).create(ctx.by, await ctx.readJson());
        return jsonResponse(created, 201, { location: `/api/admin${path}/${created.id}` });
      },
    },
    {
      method: "GET",
      pattern: item,
      role: "viewer",
      handler: async ({ services, params }) => jsonResponse(await serviceOf(services).get(params.id ?? "")),
      doc: doc && { summary: `Get one ${noun}`, response: detail, errors: [doc.notFound] },
    },
    {
      method: "PUT",
      pattern: item,
      ...write,
      doc: doc && {
        summary: `Replace a ${noun}'s settings`,
        body: doc.update,
        response: detail,
        errors: [doc.notFound, ...(doc.conflicts ?? [])],
      },
      handler: async (ctx) =>
        jsonResponse(await serviceOf(ctx.services).update(ctx.by, ctx.params.id ?? "", await ctx.readJson())),
    },
    {
      method: "DELETE",
      pattern: item,
      ...write,
      doc: doc && {
        summary: `Delete a ${noun}`,
        status: 204,
        errors: [doc.notFound, ...(doc.deleteConflicts ?? [])],
      },
      handler: async (ctx) => {
        await serviceOf(ctx.services).remove(ctx.by, ctx.params.id ?? "");
        return noContent();
      },
    },
  ];
}
