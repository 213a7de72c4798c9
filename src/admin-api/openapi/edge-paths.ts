import { GATEWAY_CODES, errorResponsesOf } from "./error-responses";

/** The paths outside the admin API's route table: proxy, probes, metrics, cron, sign-in, this document. */
export const OPENAPI_PATH = "/api/openapi.json";

const okSchema = {
  type: "object",
  properties: { ok: { type: "boolean" } },
  required: ["ok"],
} as const;

const proxyParameters = [
  {
    name: "group",
    in: "path",
    required: true,
    description: "The group's slug, e.g. `claude` or `openai`.",
    schema: { type: "string" },
    example: "claude",
  },
  {
    name: "path",
    in: "path",
    required: true,
    description:
      "The upstream path, slashes included (`v1/messages`, `v1/chat/completions`); it is appended to the chosen provider's base URL.",
    schema: { type: "string" },
    example: "v1/messages",
  },
];

/** One proxied method: the upstream's answer passes through, the gateway's own refusals use its body. */
function proxyOperation(method: string) {
  return {
    tags: ["gateway"],
    operationId: `proxy_${method}`,
    summary: `Proxy a ${method.toUpperCase()} request to the group's providers (failover, retries, limits)`,
    description:
      "Any method is forwarded. The body and headers go upstream unchanged except the gateway key, which is replaced by the chosen provider's credential (sent as its `authStyle` says). Streaming answers (SSE) pass through as they come.",
    security: [{ gatewayKey: [] }, { gatewayKeyHeader: [] }],
    parameters: proxyParameters,
    ...(method === "post"
      ? {
          requestBody: {
            required: false,
            description: "Whatever the upstream API takes (JSON for the OpenAI and Anthropic APIs).",
            content: { "application/json": { schema: {} } },
          },
        }
      : {}),
    responses: {
      "200": {
        description: "The upstream's answer, passed through (JSON or `text/event-stream`).",
        content: { "application/json": { schema: {} }, "text/event-stream": { schema: { type: "string" } } },
      },
      ...errorResponsesOf(GATEWAY_CODES, "#/components/schemas/GatewayError"),
    },
  };
}

/** Paths of the edge: everything the dispatcher serves besides `/api/admin/*` and the console. */
export function edgePaths(): Record<string, Record<string, unknown>> {
  return {
    "/api/proxy/{group}/{path}": { get: proxyOperation("get"), post: proxyOperation("post") },
    "/healthz": {
      get: {
        tags: ["probes"],
        operationId: "healthz",
        summary: "Liveness: the process answers",
        security: [],
        responses: { "200": { description: "Alive", content: { "application/json": { schema: okSchema } } } },
      },
    },
    "/readyz": {
      get: {
        tags: ["probes"],
        operationId: "readyz",
        summary: "Readiness: the database answers (load balancers and HEALTHCHECK use it)",
        security: [],
        responses: {
          "200": { description: "Ready", content: { "application/json": { schema: okSchema } } },
          "503": {
            description: "The database does not answer",
            content: { "application/json": { schema: okSchema } },
          },
        },
      },
    },
    "/metrics": {
      get: {
        tags: ["probes"],
        operationId: "metrics",
        summary: "Prometheus metrics",
        description:
          "With METRICS_TOKEN set, scrapes must send it (Bearer, or `?token=`). Without it, only loopback clients are answered.",
        security: [{}, { metricsToken: [] }],
        responses: {
          "200": {
            description: "Prometheus text exposition format",
            content: { "text/plain": { schema: { type: "string" } } },
          },
          ...errorResponsesOf(["UNAUTHENTICATED", "FORBIDDEN"], "#/components/schemas/ErrorBody"),
        },
      },
    },
    "/api/cron/health-check": {
      post: {
        tags: ["probes"],
        operationId: "cronHealthCheck",
        summary: "Run one round of active health checks now (external schedulers)",
        description: "Off unless CRON_SECRET is set; then send `Authorization: Bearer $CRON_SECRET`.",
        security: [{ cronSecret: [] }],
        responses: {
          "200": {
            description: "The round's results",
            content: { "application/json": { schema: { type: "object" } } },
          },
          ...errorResponsesOf(["UNAUTHENTICATED", "METHOD_NOT_ALLOWED"], "#/components/schemas/ErrorBody"),
        },
      },
    },
    "/api/auth/sign-in/username": {
      post: {
        tags: ["session"],
        operationId: "signInUsername",
        summary: "Sign in to the console: sets the session cookie",
        security: [],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: { username: { type: "string" }, password: { type: "string" } },
                required: ["username", "password"],
              },
            },
          },
        },
        responses: {
          "200": { description: "Signed in; `Set-Cookie` carries the session" },
          "401": { description: "Wrong username or password" },
          "429": { description: "`TOO_MANY_LOGIN_ATTEMPTS`: too many sign-in attempts; try again later." },
        },
      },
    },
    "/api/auth/sign-out": {
      post: {
        tags: ["session"],
        operationId: "signOut",
        summary: "Sign out: deletes the session",
        security: [{ sessionCookie: [] }],
        responses: { "200": { description: "Signed out" } },
      },
    },
    "/api/auth/get-session": {
      get: {
        tags: ["session"],
        operationId: "getSession",
        summary: "The current session and user, or null",
        security: [{ sessionCookie: [] }, {}],
        responses: { "200": { description: "`{ session, user }` or `null`" } },
      },
    },
    [OPENAPI_PATH]: {
      get: {
        tags: ["probes"],
        operationId: "openapi",
        summary: "This document",
        security: [],
        responses: {
          "200": {
            description: "OpenAPI 3.1",
            content: { "application/json": { schema: { type: "object" } } },
          },
        },
      },
    },
  };
}
