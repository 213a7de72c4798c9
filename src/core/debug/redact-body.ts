/**
 * Redacts credentials from captured requests and responses before they are stored. JSON documents
 * (and the JSON payloads of SSE `data:` lines) are walked: fields named like a credential
 * (api_key, apiKey, authorization, password, secret, *_token...) or listed by the operator are
 * blanked. Whatever could not be parsed — a body cut at the capture limit, form data, plain text —
 * goes through the same rules as patterns. Every string is then scrubbed of `sk-...` keys, bearer
 * tokens and the known secret values (the request's gateway key, every provider credential). Pure.
 */

export const REDACTED = "[REDACTED]";

/** Header and field names always redacted (the operator's list adds to them). */
export const DEFAULT_REDACT_NAMES: readonly string[] = [
  "authorization",
  "x-api-key",
  "api-key",
  "cookie",
  "set-cookie",
  "password",
  "secret",
  "token",
];

/** What one capture is redacted with: extra names and secret values known at the time. */
export interface RedactionRules {
  /** Normalised (lower-case, alphanumerics only) names redacted besides the built-in ones. */
  readonly names: ReadonlySet<string>;
  /** Exact values blanked wherever they appear (longest first). */
  readonly secrets: readonly string[];
}

/** Values shorter than this are not scrubbed by value: they would blank ordinary text. */
const MIN_SECRET_LENGTH = 6;

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Builds redaction rules from the operator's extra names and the secret values to blank. */
export function createRedactionRules(
  extraNames: readonly string[],
  secrets: readonly (string | null | undefined)[],
): RedactionRules {
  const names = new Set([...DEFAULT_REDACT_NAMES, ...extraNames].map(normaliseName).filter((n) => n !== ""));
  const values = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) continue;
    values.add(secret);
    // The same value as it appears inside a JSON string.
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) values.add(escaped);
  }
  return { names, secrets: [...values].sort((a, b) => b.length - a.length) };
}

/** Rules with no operator names and no secret values: built-in names and patterns only. */
export const BASE_RULES: RedactionRules = createRedactionRules([], []);

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
export function isSensitiveName(name: string, rules: RedactionRules = BASE_RULES): boolean {
  const n = normaliseName(name);
  if (n === "") return false;
  return rules.names.has(n) || EXACT_NAMES.has(n) || NAME_SUFFIXES.some((suffix) => n.endsWith(suffix));
}

const SECRET_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{6,}/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
];

/** Replaces secret-looking substrings (`sk-...` keys, bearer tokens) and known secrets in free text. */
export function scrubSecrets(text: string, rules: RedactionRules = BASE_RULES): string {
  let out = text;
  for (const secret of rules.secrets) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match: string, scheme?: string) =>
      typeof scheme === "string" && !match.startsWith("sk-") ? `${scheme} ${REDACTED}` : REDACTED,
    );
  }
  return out;
}

function redactValue(value: unknown, rules: RedactionRules): unknown {
  if (typeof value === "string") return scrubSecrets(value, rules);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, rules));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = isSensitiveName(key, rules) ? REDACTED : redactValue(inner, rules);
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
function redactText(text: string, rules: RedactionRules): string {
  const pairs = text
    .replace(JSON_PAIR, (match: string, name: string, colon: string) =>
      isSensitiveName(name, rules) ? `"${name}"${colon}"${REDACTED}"` : match,
    )
    .replace(FORM_PAIR, (match: string, lead: string, name: string) =>
      isSensitiveName(name, rules) ? `${lead}${name}=${REDACTED}` : match,
    );
  return scrubSecrets(pairs, rules);
}

/** SSE: each `data:` payload that is JSON is walked; the rest is treated as text. */
function redactEventStream(text: string, rules: RedactionRules): string {
  return text
    .split("\n")
    .map((line) => {
      if (!line.startsWith("data:")) return redactText(line, rules);
      const payload = line.slice(5).trimStart();
      const parsed = tryJson(payload);
      return parsed.ok
        ? `data: ${scrubSecrets(JSON.stringify(redactValue(parsed.value, rules)), rules)}`
        : redactText(line, rules);
    })
    .join("\n");
}

/** Redacts one captured body (already decoded to text). */
export function redactBody(text: string, rules: RedactionRules = BASE_RULES): string {
  const parsed = tryJson(text);
  // Scrubbed again as a whole: a secret may sit in a field name or be JSON-escaped differently.
  if (parsed.ok) return scrubSecrets(JSON.stringify(redactValue(parsed.value, rules)), rules);
  if (/^(event|data|id|retry):/m.test(text)) return redactEventStream(text, rules);
  return redactText(text, rules);
}

/** Header values as Node gives them (repeated headers as arrays). */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | number | undefined>>;

/** Redacts a header set: sensitive names blanked, every other value scrubbed; names lower-cased. */
export function redactHeaders(
  headers: HeaderBag,
  rules: RedactionRules = BASE_RULES,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const name = rawName.toLowerCase();
    const value = Array.isArray(raw) ? raw.join(", ") : String(raw as string | number);
    out[name] = isSensitiveName(name, rules) ? REDACTED : scrubSecrets(value, rules);
  }
  return out;
}
