import { HOP_BY_HOP_HEADERS } from "../vocabulary/http-headers";
import { authHeaderNameOf, type AuthStyle } from "../vocabulary/providers";
import { isSensitiveName, REDACTED } from "./redact-body";

/**
 * "Copy as curl": a captured request rendered as a shell command, to the gateway (with a
 * `$ROUNDABOUT_KEY` placeholder) or straight to the upstream (with a credential placeholder). No real
 * secret ever appears: captured headers are already redacted, and credential headers are replaced by
 * the placeholder. Pure.
 */

/** The placeholder the gateway command uses for the gateway key. */
export const GATEWAY_KEY_PLACEHOLDER = "$ROUNDABOUT_KEY";
/** The placeholder the upstream command uses for the provider credential. */
export const UPSTREAM_KEY_PLACEHOLDER = "$UPSTREAM_API_KEY";

/** Headers that describe the connection or are recomputed by curl. */
const DROPPED = new Set<string>([
  ...HOP_BY_HOP_HEADERS,
  "host",
  "content-length",
  "accept-encoding",
  "expect",
]);

export interface CurlInput {
  readonly method: string;
  readonly url: string;
  /** Captured (redacted) request headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
}

/** POSIX shell single-quoting. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function renderCommand(input: CurlInput, credentialHeaders: readonly string[]): string {
  const method = input.method !== "GET" || input.body !== null ? ` -X ${input.method}` : "";
  const parts = [`curl -sS${method} ${shellQuote(input.url)}`];
  for (const [name, value] of Object.entries(input.headers)) {
    if (DROPPED.has(name) || isSensitiveName(name) || value === REDACTED) continue;
    if (name.startsWith("x-proxy-") || name === "x-request-id") continue;
    parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  // Double quotes so the shell expands the placeholder variable.
  for (const header of credentialHeaders) parts.push(`-H "${header}"`);
  if (input.body !== null && input.body !== "") parts.push(`--data-binary ${shellQuote(input.body)}`);
  return parts.join(" \\\n  ");
}

/** The command that sends the request to the gateway again, with the gateway key as a placeholder. */
export function renderGatewayCurl(input: CurlInput): string {
  const anthropic = "x-api-key" in input.headers && !("authorization" in input.headers);
  const auth = anthropic
    ? `x-api-key: ${GATEWAY_KEY_PLACEHOLDER}`
    : `Authorization: Bearer ${GATEWAY_KEY_PLACEHOLDER}`;
  return renderCommand(input, [auth]);
}

/** The command that sends the request straight to the upstream, with its credential as a placeholder. */
export function renderUpstreamCurl(input: CurlInput, authStyle: AuthStyle): string {
  const named = authHeaderNameOf(authStyle);
  const auth =
    authStyle === "bearer"
      ? [`Authorization: Bearer ${UPSTREAM_KEY_PLACEHOLDER}`]
      : authStyle === "x-api-key"
        ? [`x-api-key: ${UPSTREAM_KEY_PLACEHOLDER}`]
        : named !== null
          ? [`${named}: ${UPSTREAM_KEY_PLACEHOLDER}`]
          : [];
  return renderCommand(input, auth);
}
