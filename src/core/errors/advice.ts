import type { ErrorCode } from "./catalogue";

/**
 * What an operator or client does about each error code, for the generated docs/troubleshooting.md.
 * A code added to the catalogue without advice here fails the docs test.
 */
export const ERROR_ADVICE: Readonly<Partial<Record<ErrorCode, string>>> = {
  INVALID_JSON: "Send a well-formed JSON body with `Content-Type: application/json`.",
  VALIDATION_FAILED:
    "`error.details.issues` lists each field and what is wrong with it; fix those and resend. The OpenAPI document (`/api/openapi.json`) has every field's rules.",
  INVALID_QUERY: "`error.details.issues` names the query parameter; see the route in `/docs/api`.",
  BODY_TOO_LARGE:
    "The body exceeds MAX_BODY_BYTES (gateway) or ADMIN_MAX_BODY_BYTES (admin API). Raise the setting, or check nginx's `client_max_body_size`.",
  UNSUPPORTED_MEDIA_TYPE:
    "Set the `Content-Type` header the route expects (JSON, or CSV for the CSV import).",
  METHOD_NOT_ALLOWED: "The path exists with other methods: the `Allow` header lists them.",
  ROUTE_NOT_FOUND:
    "No such path. Gateway calls go to `/api/proxy/{group}/…` (the SDK's base URL ends with the group slug); admin calls to `/api/admin/…`.",
  INTERNAL_ERROR:
    "A bug or an unavailable database. The server log line with the same `x-request-id` has the details; `/readyz` says whether the database answers.",
  REQUEST_TIMEOUT:
    "The client sent its headers or body slower than HEADERS_TIMEOUT_MS / BODY_TIMEOUT_MS. Raise them for slow uploads, or check the network between client and server.",
  HEADERS_TOO_LARGE:
    "Too many or too large request headers: raise MAX_HEADER_BYTES / MAX_HEADERS_COUNT if legitimate.",
  MALFORMED_REQUEST: "The client sent invalid HTTP. Check the client, or a proxy in between.",
  UNAUTHENTICATED:
    "Sign in to the console, or send `Authorization: Bearer $ADMIN_TOKEN` (admin API), `Bearer $METRICS_TOKEN` (/metrics) or `Bearer $CRON_SECRET` (/api/cron). Is the variable set on the server?",
  FORBIDDEN:
    "The viewer role only reads; ask an admin, or use an admin account. For `/metrics` from another host, set METRICS_TOKEN.",
  TOO_MANY_LOGIN_ATTEMPTS:
    "Wait a few minutes before signing in again; behind a proxy, set TRUST_PROXY so each client is counted apart.",
  PROVIDER_NOT_FOUND:
    "The provider id does not exist (deleted?). List providers with `GET /api/admin/providers`.",
  PROVIDER_NAME_TAKEN: "Provider names are unique: pick another name or edit the existing provider.",
  PROVIDER_IN_USE: "Remove the provider from every group (`error.details` names them) before deleting it.",
  GROUP_NOT_FOUND: "The group id does not exist. List groups with `GET /api/admin/groups`.",
  GROUP_SLUG_TAKEN: "Group slugs are unique (they are the URL path): pick another slug.",
  MEMBER_NOT_FOUND: "The provider is not in this group; add it first.",
  MEMBER_EXISTS: "The provider is already in this group: change its priority or weight instead.",
  MEMBER_ORDER_MISMATCH: "Reload the group and send its current members, each exactly once.",
  GROUP_HAS_KEYS: "Delete or re-scope the API keys scoped to this group (`error.details` lists them) first.",
  API_KEY_NOT_FOUND: "The key id does not exist. List keys with `GET /api/admin/api-keys`.",
  IMPORT_INVALID:
    "Nothing was applied. `error.details.issues` lists every problem with its path in the document.",
  USER_NOT_FOUND: "The user id does not exist.",
  USERNAME_TAKEN: "Usernames are unique: pick another.",
  EMAIL_TAKEN: "E-mail addresses are unique: pick another.",
  LAST_ADMIN: "Promote another user to admin first: one admin must remain.",
  INVALID_CURRENT_PASSWORD: "Type your current password again; an admin can reset it if forgotten.",
  LOG_NOT_FOUND: "The request log is gone (LOG_RETENTION_DAYS) or the id is wrong.",
  NOT_CAPTURED:
    "Only captured requests can be replayed or diffed: set the group's (or key's) `capture` to `errors` or `all` and send the request again. Captures expire after CAPTURE_RETENTION_DAYS; a request body cut at `captureMaxBytes` is replayed only with `overrides.body`.",
  ALERT_RULE_NOT_FOUND: "The alert rule id does not exist.",
  ALERT_RULE_NAME_TAKEN: "Alert rule names are unique: pick another.",
  ALERT_CHANNEL_NOT_FOUND: "The alert channel id does not exist (a rule may name a deleted channel).",
  ALERT_CHANNEL_NAME_TAKEN: "Alert channel names are unique: pick another.",
  ALERT_CHANNEL_IN_USE: "Remove the channel from the rules that use it first.",
  GATEWAY_KEY_MISSING:
    "Send the gateway key: OpenAI SDKs as `apiKey` (Bearer), Anthropic SDKs and Claude Code as `ANTHROPIC_API_KEY` / `x-api-key`. For Claude Code set `ANTHROPIC_BASE_URL` and `ANTHROPIC_API_KEY` (not `ANTHROPIC_AUTH_TOKEN` with another value).",
  GATEWAY_KEY_INVALID:
    "The key is unknown, disabled or expired: check it in the console's API keys page (the full key is shown only once, at creation).",
  TENANT_DISABLED:
    "A system administrator disabled the key's tenant: every key of that tenant is refused until the tenant is enabled again (`PUT /api/admin/tenants/{id}` with `enabled: true`).",
  TENANT_NOT_FOUND:
    "No tenant has this id, or the `X-Roundabout-Tenant` header names a slug that does not exist (or one you are not a member of): list them with `GET /api/admin/tenants`.",
  TENANT_SLUG_TAKEN: "Tenant slugs are unique across the install: pick another slug.",
  TENANT_IS_DEFAULT:
    "The `default` tenant holds everything of a single-tenant install: it cannot be deleted or disabled.",
  TENANT_MEMBER_NOT_FOUND:
    "The user is not a member of this tenant: `GET /api/admin/tenants/{id}/members` lists them.",
  TENANT_TOKEN_NOT_FOUND:
    "No such tenant token (already revoked?): `GET /api/admin/tenants/{id}/tokens` lists them.",
  GATEWAY_KEY_SCOPE: "The key is scoped to another group: use that group's URL, or a key without scope.",
  MODEL_NOT_ALLOWED:
    "The key's allowed models (names and globs) do not include the requested model: ask the operator to add it to the key's allowed models, or use another model.",
  MODEL_NOT_SERVED:
    "No member of the group lists the requested model (the message names model and group). Check the spelling, `GET {group}/v1/models`, or add the model (or a glob such as `claude-sonnet-*`) to a membership's or provider's models; a member without a list serves every model.",
  GROUP_UNKNOWN:
    "No enabled group has this slug: the URL is `/api/proxy/{slug}/…` — check the slug and that the group is enabled.",
  RATE_LIMITED:
    "The key's requests-per-minute limit is reached: wait for `Retry-After`, or raise the key's limit.",
  CONCURRENCY_LIMITED:
    "The key has too many requests in flight: lower client concurrency or raise the key's limit.",
  GROUP_RATE_LIMITED:
    "The group's requests-per-minute limit is reached: wait for `Retry-After`, or raise it.",
  QUOTA_EXCEEDED:
    "A requests, tokens or cost quota of the key is used up: the body names the quota, its limit, the usage and `resetsAt`; wait for `Retry-After` (the window's reset) or raise the quota. Tokens and cost are charged after a response, so the request that crosses a limit completes and the next one is refused.",
  MODEL_PRICE_NOT_FOUND: "The model price id is unknown: list prices with `GET /api/admin/model-prices`.",
  MODEL_PRICE_EXISTS:
    "Each model name or glob has one price: update the existing one with `PUT /api/admin/model-prices/{id}`, or import with replacement.",
  PROVIDERS_AT_CAPACITY:
    "Every provider is at its own rate or concurrency cap: retry after `Retry-After`, raise the caps, or add a provider.",
  PATH_NOT_ALLOWED:
    "The proxied path has `.`/`..` segments, encoded slashes or control characters: send a plain API path.",
  CLIENT_CLOSED:
    "Logged only: the client went away before the answer (its own timeout, or the user cancelled).",
  NO_PROVIDER_AVAILABLE:
    "Every member is disabled, ejected or its circuit is open. See the console's Health page (reason per provider: `auth` means a wrong credential or authStyle); restore or fix providers, or add a standby tier.",
  UPSTREAM_CONNECT_FAILED: "No provider could be reached: check base URLs, DNS and outbound firewall rules.",
  UPSTREAM_RESET:
    "The upstream closed the connection mid-request: usually transient; check the provider's status.",
  UPSTREAM_STATUS:
    "Every attempt got an error status (`error.details` lists provider and status per attempt). 401/403: the provider's credential or authStyle is wrong (Anthropic needs `x-api-key`).",
  UPSTREAM_TIMEOUT: "The group's totalTimeoutMs or connectTimeoutMs passed: raise it, or check the upstream.",
  UPSTREAM_FIRST_BYTE_TIMEOUT:
    "No first byte within the group's firstByteTimeoutMs: long prompts may need more.",
  UPSTREAM_IDLE_TIMEOUT: "A stream stalled longer than the group's idleTimeoutMs.",
  UPSTREAM_STREAM_ERROR: "The upstream stream broke before any content; the gateway retried where it could.",
  UPSTREAM_OVERLOADED:
    "Every upstream answered overloaded (429/529): add capacity or a standby tier, or retry later.",
  RETRY_BUDGET_EXHAUSTED:
    "Retries are capped to protect upstreams during an outage: the first attempts failed; see the provider errors in the request log.",
  STORE_UNAVAILABLE:
    "Redis is unreachable and STATE_STORE_FAILURE is `closed`. Bring Redis back (check REDIS_URL), or choose `open`.",
  OUTBOUND_BLOCKED:
    "The target is internal (localhost, 10.x, 192.168.x, link-local…). If intended, add it to OUTBOUND_ALLOW (e.g. `OUTBOUND_ALLOW=127.0.0.1,10.0.0.0/8`).",
};
