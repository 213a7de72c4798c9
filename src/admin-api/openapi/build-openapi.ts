import { ERRORS } from "@/core/errors/catalogue";
import { ADMIN_ROUTES } from "../routes";
import type { RouteDefinition } from "../route-types";
import { edgePaths } from "./edge-paths";
import { adminErrorCodesOf, errorResponsesOf } from "./error-responses";
import { queryParametersOf, toOpenApiSchema } from "./json-schema";

export const ADMIN_BASE_PATH = "/api/admin";

export interface OpenApiOptions {
  /** The package version, shown as the document's version. */
  readonly version: string;
  /** Defaults to the one admin route table. */
  readonly routes?: readonly RouteDefinition[];
}

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

/** `/providers/:id` → `/api/admin/providers/{id}`. */
export function openApiPathOf(pattern: string): string {
  return `${ADMIN_BASE_PATH}${pattern.replace(/:(\w+)/g, "{$1}")}`;
}

/** A stable operation id from the method and pattern: `GET /providers/:id` → `get_providers_id`. */
function operationIdOf(route: RouteDefinition): string {
  const words = route.pattern.replace(/[:.]/g, "/").split(/[/-]+/).filter(Boolean);
  return [route.method.toLowerCase(), ...words].join("_");
}

/** The OpenAPI operation of one admin route, from its `doc` (a route without one is still listed). */
function adminOperation(route: RouteDefinition): Record<string, unknown> {
  const doc = route.doc;
  const params = [...route.pattern.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const query = doc?.query ? queryParametersOf(doc.query) : [];
  const status = doc?.status ?? (route.method === "DELETE" && !doc?.response ? 204 : 200);
  let success: Record<string, unknown> = { description: status === 204 ? "Done (no content)" : "Success" };
  if (status !== 204) {
    const mediaType = doc?.responseMediaType ?? "application/json";
    const schema = doc?.response && !doc.responseMediaType ? toOpenApiSchema(doc.response, "output") : {};
    success = { ...success, content: { [mediaType]: { schema } } };
  }
  const requestBody = doc?.body
    ? {
        required: !doc.bodyOptional,
        content: {
          "application/json": {
            schema: toOpenApiSchema(doc.body, "input"),
            ...(doc.example === undefined ? {} : { example: doc.example }),
          },
        },
      }
    : doc?.bodyMediaType
      ? { required: true, content: { [doc.bodyMediaType]: { schema: { type: "string" } } } }
      : undefined;
  const [tag = "admin"] = route.pattern.split("/").filter(Boolean);
  return {
    tags: [tag],
    operationId: operationIdOf(route),
    summary: doc?.summary ?? `${route.method} ${route.pattern}`,
    description: route.role === "admin" ? "Role: admin." : "Role: viewer or admin.",
    ...(params.length + query.length > 0 ? { parameters: [...params, ...query] } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      [String(status)]: success,
      ...errorResponsesOf(adminErrorCodesOf(route), "#/components/schemas/ErrorBody"),
    },
  };
}

/**
 * Builds the OpenAPI 3.1 document: every admin route of the route table (schemas from the zod
 * contracts the services validate with), the edge paths, the catalogue's error shapes and codes, and
 * the auth schemes. Pure: the same table gives the same document.
 */
export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of options.routes ?? ADMIN_ROUTES) {
    const path = openApiPathOf(route.pattern);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: adminOperation(route) };
  }
  const codes = Object.keys(ERRORS);
  return {
    openapi: "3.1.0",
    info: {
      title: "Roundabout",
      version: options.version,
      description:
        "LLM/API gateway: the proxy route (`/api/proxy/{group}/…`) and the admin API (`/api/admin/…`). Every error carries a stable code from the error catalogue (see docs/troubleshooting.md).",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "/" }],
    security: [{ adminToken: [] }, { sessionCookie: [] }],
    tags: [
      { name: "gateway", description: "The data plane: clients send their gateway key here." },
      { name: "probes", description: "Health, readiness, metrics, cron and this document." },
      { name: "session", description: "Console sign-in (cookie sessions)." },
    ],
    paths: { ...paths, ...edgePaths() },
    components: {
      securitySchemes: {
        adminToken: {
          type: "http",
          scheme: "bearer",
          description: "`Authorization: Bearer $ADMIN_TOKEN` (admin role), for automation.",
        },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "roundabout.session_token",
          description:
            "The console's session (sign in at /api/auth/sign-in/username); `__Secure-` prefixed over HTTPS.",
        },
        gatewayKey: {
          type: "http",
          scheme: "bearer",
          description: "A gateway key (`sk-…`) created under /api/admin/api-keys, as OpenAI SDKs send it.",
        },
        gatewayKeyHeader: {
          type: "apiKey",
          in: "header",
          name: "x-api-key",
          description: "A gateway key in `x-api-key`, as Anthropic SDKs and Claude Code send it.",
        },
        metricsToken: { type: "http", scheme: "bearer", description: "METRICS_TOKEN." },
        cronSecret: { type: "http", scheme: "bearer", description: "CRON_SECRET." },
      },
      schemas: {
        ErrorCode: { type: "string", enum: codes, description: "Stable codes; see docs/troubleshooting.md." },
        ErrorBody: {
          type: "object",
          description: "The admin API's (and /metrics', cron's) one error shape.",
          properties: {
            error: {
              type: "object",
              properties: {
                code: { $ref: "#/components/schemas/ErrorCode" },
                message: { type: "string" },
                details: {},
              },
              required: ["code", "message"],
            },
          },
          required: ["error"],
        },
        GatewayError: {
          type: "object",
          description:
            "The gateway's own error shape, read by both SDK families (OpenAI: `error.*`; Anthropic: `type` + `error.type`).",
          properties: {
            type: { const: "error" },
            error: {
              type: "object",
              properties: {
                type: { type: "string" },
                code: { $ref: "#/components/schemas/ErrorCode" },
                message: { type: "string" },
                request_id: { type: "string" },
                details: {
                  type: "array",
                  description: "One entry per failed upstream attempt (never a secret).",
                  items: {
                    type: "object",
                    properties: {
                      provider: { type: "string" },
                      status: { type: "integer" },
                      error: { type: "string" },
                      ms: { type: "number" },
                    },
                  },
                },
              },
              required: ["type", "code", "message", "request_id"],
            },
          },
          required: ["type", "error"],
        },
      },
    },
  };
}
