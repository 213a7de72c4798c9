import { jsonResponse, noContent } from "@/http/web-response";
import type { AdminServices, WriteContext } from "@/services/admin-services";
import type { RouteDefinition } from "../route-types";

/** A service over one collection of resources with ids, as the standard routes call it. */
export interface CollectionService {
  list(): Promise<readonly unknown[]>;
  create(by: WriteContext, input: unknown): Promise<{ readonly id: string }>;
  get(id: string): Promise<unknown>;
  update(by: WriteContext, id: string, input: unknown): Promise<unknown>;
  remove(by: WriteContext, id: string): Promise<void>;
}

/**
 * The five routes of a collection at `path`: `GET` (`{ items }`) and `POST` (201 with a Location) on
 * the collection, `GET`, `PUT` and `DELETE` (204) on `path/:id`. Viewers read, admins write.
 */
export function collectionRoutes(
  path: string,
  serviceOf: (services: AdminServices) => CollectionService,
): readonly RouteDefinition[] {
  const item = `${path}/:id`;
  return [
    {
      method: "GET",
      pattern: path,
      role: "viewer",
      handler: async ({ services }) => jsonResponse({ items: await serviceOf(services).list() }),
    },
    {
      method: "POST",
      pattern: path,
      role: "admin",
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
    },
    {
      method: "PUT",
      pattern: item,
      role: "admin",
      handler: async (ctx) =>
        jsonResponse(await serviceOf(ctx.services).update(ctx.by, ctx.params.id ?? "", await ctx.readJson())),
    },
    {
      method: "DELETE",
      pattern: item,
      role: "admin",
      handler: async (ctx) => {
        await serviceOf(ctx.services).remove(ctx.by, ctx.params.id ?? "");
        return noContent();
      },
    },
  ];
}
