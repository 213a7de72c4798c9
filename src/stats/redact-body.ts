/**
 * Redacts credentials from captured request/response bodies before they are stored. JSON documents
 * (and the JSON payloads of SSE `data:` lines) are walked: fields named like a credential
 * (api_key, apiKey, authorization, password, secret, *_token...) are blanked. Whatever could not be
 * parsed — a body cut at the capture limit, form data, plain text — goes through the same rules as
 * patterns. Every string is then scrubbed of `sk-...` keys and bearer tokens. Pure functions.
 */

export const REDACTED = "[REDACTED]";

const EXACT_NAMES = new Set([
  "authorization",
  "proxyauthorization",
  "cookie",
  "setcookie",
  "passwd",
  "accesskey",
  "credential",
  "credentials",
]);
const NAME_SUFFIXES = ["apikey", "password", "secret", "secretkey", "privatekey", "token"];

/** True for a field name that holds a credential (`max_tokens` and other plurals are not). */
export function isSensitiveName(name: string): boolean {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (n === "") return false;
  return EXACT_NAMES.has(n) || NAME_SUFFIXES.some((suffix) => n.endsWith(suffix));
}

const SECRET_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{6,}/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
];

/** Replaces secret-looking substrings (`sk-...` keys, bearer tokens) in free text. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match: string, scheme?: string) =>
      typeof scheme === "string" && !match.startsWith("sk-") ? `${scheme} ${REDACTED}` : REDACTED,
    );
  }
  return out;
}

function redactValue(value: unknown): unknown {
  if (typeof value === "string") return scrubSecrets(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = isSensitiveName(key) ? REDACTED : redactValue(inner);
    }
    return out;
  }
  return value;
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

// `"name": "value` (closing quote optional: the body may be cut inside the value) and `"name": 123`.
const JSON_PAIR = /"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"?|-?\d[\d.eE+-]*|true|false)/g;
// `name=value` in form data and query strings.
const FORM_PAIR = /(^|[?&\s;])([A-Za-z0-9_.-]+)=([^&\s;]*)/g;

/** Pattern-based redaction for text that is not (complete) JSON. */
function redactText(text: string): string {
  const pairs = text
    .replace(JSON_PAIR, (match: string, name: string, colon: string) =>
      isSensitiveName(name) ? `"${name}"${colon}"${REDACTED}"` : match,
    )
    .replace(FORM_PAIR, (match: string, lead: string, name: string) =>
      isSensitiveName(name) ? `${lead}${name}=${REDACTED}` : match,
    );
  return scrubSecrets(pairs);
}

/** SSE: each `data:` payload that is JSON is walked; the rest is treated as text. */
function redactEventStream(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      if (!line.startsWith("data:")) return redactText(line);
      const payload = line.slice(5).trimStart();
      const parsed = tryJson(payload);
      return parsed.ok ? `data: ${JSON.stringify(redactValue(parsed.value))}` : redactText(line);
    })
    .join("\n");
}

/** Redacts one captured body (already decoded to text). */
export function redactBody(text: string): string {
  const parsed = tryJson(text);
  if (parsed.ok) return JSON.stringify(redactValue(parsed.value));
  if (/^(event|data|id|retry):/m.test(text)) return redactEventStream(text);
  return redactText(text);
}
