/**
 * The one catalogue of stable error codes. Every error Roundabout answers — admin API and gateway —
 * takes its code, HTTP status and default message from here, so clients can rely on the code.
 */
export interface ErrorSpec {
  /** HTTP status sent with this error. */
  readonly status: number;
  /** Anthropic-style error type, used by the gateway's SDK-compatible error body. */
  readonly type: ErrorType;
  /** Default human-readable message. */
  readonly message: string;
}

export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error"
  | "timeout_error";

const spec = (status: number, type: ErrorType, message: string): ErrorSpec => ({ status, type, message });

export const ERRORS = {
  // --- generic request problems
  INVALID_JSON: spec(400, "invalid_request_error", "The request body is not valid JSON."),
  VALIDATION_FAILED: spec(400, "invalid_request_error", "The request failed validation."),
  INVALID_QUERY: spec(400, "invalid_request_error", "A query parameter is invalid."),
  BODY_TOO_LARGE: spec(413, "request_too_large", "The request body exceeds the size limit."),
  UNSUPPORTED_MEDIA_TYPE: spec(415, "invalid_request_error", "Send the body as application/json."),
  METHOD_NOT_ALLOWED: spec(405, "invalid_request_error", "This method is not allowed on this path."),
  ROUTE_NOT_FOUND: spec(404, "not_found_error", "No such route."),
  INTERNAL_ERROR: spec(500, "api_error", "An internal error occurred."),
  // Answered by the HTTP server itself (headers or body slower than their deadline, oversized or
  // malformed headers), before any handler runs or while one is still reading the body.
  REQUEST_TIMEOUT: spec(408, "timeout_error", "The request headers or body did not arrive in time."),
  HEADERS_TOO_LARGE: spec(431, "invalid_request_error", "The request headers are too many or too large."),
  MALFORMED_REQUEST: spec(400, "invalid_request_error", "The request is not valid HTTP."),

  // --- admin authentication and authorization
  UNAUTHENTICATED: spec(401, "authentication_error", "Sign in or send a valid admin token."),
  FORBIDDEN: spec(403, "permission_error", "Your role does not allow this action."),
  TOO_MANY_LOGIN_ATTEMPTS: spec(429, "rate_limit_error", "Too many sign-in attempts; try again later."),

  // --- config model
  PROVIDER_NOT_FOUND: spec(404, "not_found_error", "No provider with this id."),
  PROVIDER_NAME_TAKEN: spec(409, "invalid_request_error", "A provider with this name already exists."),
  PROVIDER_IN_USE: spec(
    409,
    "invalid_request_error",
    "The provider is still a member of one or more groups.",
  ),
  GROUP_NOT_FOUND: spec(404, "not_found_error", "No group with this id."),
  GROUP_SLUG_TAKEN: spec(409, "invalid_request_error", "A group with this slug already exists."),
  MEMBER_NOT_FOUND: spec(404, "not_found_error", "The provider is not a member of this group."),
  MEMBER_EXISTS: spec(409, "invalid_request_error", "The provider is already a member of this group."),
  MEMBER_ORDER_MISMATCH: spec(
    409,
    "invalid_request_error",
    "The order must name every current member of the group exactly once.",
  ),
  GROUP_HAS_KEYS: spec(409, "invalid_request_error", "API keys are still scoped to this group."),
  API_KEY_NOT_FOUND: spec(404, "not_found_error", "No API key with this id."),
  IMPORT_INVALID: spec(
    422,
    "invalid_request_error",
    "The import document has problems; nothing was applied.",
  ),
  USER_NOT_FOUND: spec(404, "not_found_error", "No user with this id."),
  USERNAME_TAKEN: spec(409, "invalid_request_error", "A user with this username already exists."),
  EMAIL_TAKEN: spec(409, "invalid_request_error", "A user with this e-mail address already exists."),
  LAST_ADMIN: spec(409, "invalid_request_error", "This is the last admin: keep at least one admin user."),
  INVALID_CURRENT_PASSWORD: spec(400, "invalid_request_error", "The current password is incorrect."),
  LOG_NOT_FOUND: spec(404, "not_found_error", "No request log with this id."),
  NOT_CAPTURED: spec(
    409,
    "invalid_request_error",
    "This request was not captured (or not in full), so it cannot be replayed or compared.",
  ),

  // --- cost
  MODEL_PRICE_NOT_FOUND: spec(404, "not_found_error", "No model price with this id."),
  MODEL_PRICE_EXISTS: spec(
    409,
    "invalid_request_error",
    "A price for this model name or glob already exists.",
  ),

  // --- tenants
  TENANT_NOT_FOUND: spec(404, "not_found_error", "No tenant with this id or slug."),
  TENANT_SLUG_TAKEN: spec(409, "invalid_request_error", "A tenant with this slug already exists."),
  TENANT_IS_DEFAULT: spec(409, "invalid_request_error", "The default tenant cannot be deleted or disabled."),
  TENANT_MEMBER_NOT_FOUND: spec(404, "not_found_error", "The user is not a member of this tenant."),
  TENANT_TOKEN_NOT_FOUND: spec(404, "not_found_error", "No tenant token with this id."),

  // --- alerting
  ALERT_RULE_NOT_FOUND: spec(404, "not_found_error", "No alert rule with this id."),
  ALERT_RULE_NAME_TAKEN: spec(409, "invalid_request_error", "An alert rule with this name already exists."),
  ALERT_CHANNEL_NOT_FOUND: spec(404, "not_found_error", "No alert channel with this id."),
  ALERT_CHANNEL_NAME_TAKEN: spec(
    409,
    "invalid_request_error",
    "An alert channel with this name already exists.",
  ),
  ALERT_CHANNEL_IN_USE: spec(
    409,
    "invalid_request_error",
    "The alert channel is still used by one or more rules.",
  ),

  // --- gateway: client side
  GATEWAY_KEY_MISSING: spec(
    401,
    "authentication_error",
    "Send your gateway key as a Bearer token or x-api-key.",
  ),
  GATEWAY_KEY_INVALID: spec(401, "authentication_error", "The gateway key is unknown, disabled or expired."),
  GATEWAY_KEY_SCOPE: spec(403, "permission_error", "This gateway key is not allowed on this group."),
  GROUP_UNKNOWN: spec(404, "not_found_error", "No enabled group with this slug."),
  MODEL_NOT_ALLOWED: spec(403, "permission_error", "This gateway key is not allowed to use this model."),
  MODEL_NOT_SERVED: spec(404, "not_found_error", "No provider of this group serves this model."),
  TENANT_DISABLED: spec(403, "permission_error", "The tenant of this gateway key is disabled."),
  RATE_LIMITED: spec(429, "rate_limit_error", "Rate limit exceeded for this key."),
  CONCURRENCY_LIMITED: spec(429, "rate_limit_error", "Too many concurrent requests for this key."),
  GROUP_RATE_LIMITED: spec(429, "rate_limit_error", "Rate limit exceeded for this group."),
  QUOTA_EXCEEDED: spec(
    429,
    "rate_limit_error",
    "A quota of this key or of its tenant is used up until its window resets.",
  ),
  PROVIDERS_AT_CAPACITY: spec(
    429,
    "rate_limit_error",
    "Every provider of this group is at its rate or concurrency cap; retry shortly.",
  ),
  PATH_NOT_ALLOWED: spec(
    400,
    "invalid_request_error",
    "The proxied path may not contain '.' or '..' segments, backslashes, encoded slashes or control characters in any encoding.",
  ),
  CLIENT_CLOSED: spec(499, "api_error", "The client closed the connection."),

  // --- gateway: upstream side
  NO_PROVIDER_AVAILABLE: spec(503, "overloaded_error", "No upstream provider is available for this group."),
  UPSTREAM_CONNECT_FAILED: spec(502, "api_error", "Could not connect to any upstream provider."),
  UPSTREAM_RESET: spec(502, "api_error", "The upstream connection was reset."),
  UPSTREAM_STATUS: spec(502, "api_error", "Every upstream attempt returned an error status."),
  UPSTREAM_TIMEOUT: spec(504, "timeout_error", "The upstream did not answer in time."),
  UPSTREAM_FIRST_BYTE_TIMEOUT: spec(504, "timeout_error", "The upstream sent no first byte in time."),
  UPSTREAM_IDLE_TIMEOUT: spec(504, "timeout_error", "The upstream stream stalled."),
  UPSTREAM_STREAM_ERROR: spec(502, "api_error", "The upstream stream failed before its first content."),
  UPSTREAM_OVERLOADED: spec(503, "overloaded_error", "Every upstream is overloaded."),
  RETRY_BUDGET_EXHAUSTED: spec(503, "overloaded_error", "The retry budget is exhausted."),

  // --- runtime state store (memory / Redis)
  STORE_UNAVAILABLE: spec(503, "overloaded_error", "The shared state store is unreachable."),

  // --- outbound requests (provider URLs, health checks, alert channels)
  OUTBOUND_BLOCKED: spec(
    400,
    "invalid_request_error",
    "The target is a loopback, private, link-local or otherwise internal address; add it to OUTBOUND_ALLOW to permit it.",
  ),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** An error carrying a stable catalogue code; the HTTP layers turn it into the unified body. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERRORS[code].message);
    this.name = "AppError";
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }
}

/** Returns true when `value` is an AppError (works across bundles, where instanceof may not). */
export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { name?: unknown }).name === "AppError" &&
    typeof (value as { code?: unknown }).code === "string" &&
    (value as { code: string }).code in ERRORS
  );
}
