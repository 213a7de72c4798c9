import { z } from "zod";

export type JsonSchema = Record<string, unknown>;

/**
 * A zod schema as an OpenAPI 3.1 schema object (JSON Schema 2020-12). Request bodies are described as
 * the client sends them (`io: "input"`), answers as the server produces them; checks zod cannot
 * express (refinements, transforms) become the loosest schema rather than failing the document.
 */
export function toOpenApiSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  const { $schema: _dialect, ...rest } = json;
  return rest;
}

/** One OpenAPI query parameter per property of a zod object schema. */
export function queryParametersOf(schema: z.ZodObject): Record<string, unknown>[] {
  const json = toOpenApiSchema(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: "query",
    required: required.has(name),
    ...(typeof property.description === "string" ? { description: property.description } : {}),
    schema: property,
  }));
}
