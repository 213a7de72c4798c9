import { ERRORS, type ErrorCode } from "@/core/errors/catalogue";
import type { RouteDefinition } from "../route-types";

/** Codes every authenticated admin route may answer, whatever it does. */
const ADMIN_COMMON: readonly ErrorCode[] = ["UNAUTHENTICATED", "INTERNAL_ERROR", "TENANT_NOT_FOUND"];
/** Codes of a route that reads a request body. */
const BODY_CODES: readonly ErrorCode[] = [
  "INVALID_JSON",
  "VALIDATION_FAILED",
  "UNSUPPORTED_MEDIA_TYPE",
  "BODY_TOO_LARGE",
];

/** Codes the gateway's proxy route may answer itself (the upstream's own answers pass through). */
export const GATEWAY_CODES: readonly ErrorCode[] = [
  "GATEWAY_KEY_MISSING",
  "GATEWAY_KEY_INVALID",
  "GATEWAY_KEY_SCOPE",
  "TENANT_DISABLED",
  "GROUP_UNKNOWN",
  "MODEL_NOT_ALLOWED",
  "MODEL_NOT_SERVED",
  "PATH_NOT_ALLOWED",
  "BODY_TOO_LARGE",
  "RATE_LIMITED",
  "CONCURRENCY_LIMITED",
  "GROUP_RATE_LIMITED",
  "QUOTA_EXCEEDED",
  "PROVIDERS_AT_CAPACITY",
  "NO_PROVIDER_AVAILABLE",
  "UPSTREAM_CONNECT_FAILED",
  "UPSTREAM_RESET",
  "UPSTREAM_STATUS",
  "UPSTREAM_TIMEOUT",
  "UPSTREAM_FIRST_BYTE_TIMEOUT",
  "UPSTREAM_IDLE_TIMEOUT",
  "UPSTREAM_STREAM_ERROR",
  "UPSTREAM_OVERLOADED",
  "RETRY_BUDGET_EXHAUSTED",
  "STORE_UNAVAILABLE",
  "OUTBOUND_BLOCKED",
  "INTERNAL_ERROR",
];

/** The error codes one admin route may answer: common ones, body and query ones, its own. */
export function adminErrorCodesOf(route: RouteDefinition): ErrorCode[] {
  const codes = new Set<ErrorCode>(ADMIN_COMMON);
  if (route.role === "admin") codes.add("FORBIDDEN");
  const doc = route.doc;
  if (doc?.body || doc?.bodyMediaType) for (const code of BODY_CODES) codes.add(code);
  if (doc?.query) codes.add("INVALID_QUERY");
  for (const code of doc?.errors ?? []) codes.add(code);
  return [...codes];
}

/**
 * OpenAPI `responses` entries for a set of codes: one per HTTP status, its description naming every
 * code that status carries, the body the catalogue's shape (`schemaRef`).
 */
export function errorResponsesOf(codes: readonly ErrorCode[], schemaRef: string): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, unknown> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: list.map((code) => `\`${code}\`: ${ERRORS[code].message}`).join("\n\n"),
      content: { "application/json": { schema: { $ref: schemaRef } } },
    };
  }
  return responses;
}
