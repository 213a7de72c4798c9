import { hashString } from "../balancing/ip-hash";

/**
 * The session a request belongs to, for prompt-cache affinity. In order: a header the operator names
 * (default `x-session-id`), Anthropic's `metadata.user_id`, OpenAI's `prompt_cache_key` then `user`,
 * else a hash of the gateway key, the model and the first bytes of the system prompt and of the first
 * message — the part of a conversation that stays the same turn after turn, which is exactly what an
 * upstream's prompt cache is keyed on. Client-supplied ids are scoped by the gateway key, so two
 * tenants sending the same `user` never share a session.
 */

/** Where the session key came from (logged with the affinity decision). */
export type SessionKeySource = "header" | "metadata" | "prompt_cache_key" | "user" | "prefix";

export interface SessionKey {
  readonly key: string;
  readonly source: SessionKeySource;
}

export interface SessionKeyInput {
  /** The named header's value (undefined when absent). */
  readonly headerValue: string | undefined;
  /** The parsed JSON body (undefined when not JSON or not parsed). */
  readonly body: unknown;
  /** The gateway key's id (scopes every session). */
  readonly keyId: string;
  /** The request's model ("" when none). */
  readonly model: string;
  /** Characters of the system prompt and of the first message hashed by the fallback. */
  readonly prefixChars?: number;
}

/** Default characters of the system prompt and first message that identify a conversation. */
export const SESSION_PREFIX_CHARS = 2_048;
/** Longest client-supplied session id kept (longer ones are hashed). */
const MAX_ID_LENGTH = 200;

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** A 64-bit hex digest built from two independent 32-bit hashes (affinity, not secrecy). */
export function digest64(text: string): string {
  const a = hashString(text);
  const b = hashString(`\u0001${text}`);
  return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
}

/** A client id made safe as a store key part: short ones kept, long or odd ones hashed. */
function scopeId(keyId: string, source: SessionKeySource, id: string): SessionKey {
  const safe = id.length <= MAX_ID_LENGTH && /^[\x21-\x7e]+$/.test(id) ? id : digest64(id);
  return { key: `${keyId}:${source}:${safe}`, source };
}

/** JSON text of `value` cut to `chars` (what the fallback hashes); "" for undefined. */
function prefixOf(value: unknown, chars: number): string {
  if (value === undefined) return "";
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "");
  return text.length > chars ? text.slice(0, chars) : text;
}

/** The system prompt and first non-system message of an Anthropic, OpenAI chat or Responses body. */
function conversationHead(body: Record<string, unknown>): { system: unknown; first: unknown } {
  let system: unknown = body.system ?? body.instructions;
  const list = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : null;
  let first: unknown = typeof body.input === "string" ? body.input : undefined;
  if (list !== null) {
    for (const item of list) {
      const role = asRecord(item)?.role;
      if ((role === "system" || role === "developer") && system === undefined) {
        system = item;
        continue;
      }
      if (role === "system" || role === "developer") continue;
      first = item;
      break;
    }
  }
  return { system, first };
}

/** Derives the request's session key (see the module comment for the order). */
export function deriveSessionKey(input: SessionKeyInput): SessionKey {
  const header = nonEmptyString(input.headerValue);
  if (header !== undefined) return scopeId(input.keyId, "header", header.trim());
  const body = asRecord(input.body);
  if (body !== null) {
    const userId = nonEmptyString(asRecord(body.metadata)?.user_id);
    if (userId !== undefined) return scopeId(input.keyId, "metadata", userId);
    const cacheKey = nonEmptyString(body.prompt_cache_key);
    if (cacheKey !== undefined) return scopeId(input.keyId, "prompt_cache_key", cacheKey);
    const user = nonEmptyString(body.user);
    if (user !== undefined) return scopeId(input.keyId, "user", user);
  }
  const chars = input.prefixChars ?? SESSION_PREFIX_CHARS;
  const head = body === null ? { system: undefined, first: undefined } : conversationHead(body);
  const text = `${input.model}\u0000${prefixOf(head.system, chars)}\u0000${prefixOf(head.first, chars)}`;
  return { key: `${input.keyId}:prefix:${digest64(text)}`, source: "prefix" };
}
