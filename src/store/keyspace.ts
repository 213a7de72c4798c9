/**
 * The one place Redis key names are built. Every key (and pub/sub channel) carries the deployment's
 * prefix, so several deployments or test runs can share one Redis without seeing each other's state.
 */
import { AppError } from "../core/errors/catalogue";

/** Default prefix (env `REDIS_PREFIX`). */
export const DEFAULT_KEY_PREFIX = "rb:";

export interface Keyspace {
  readonly prefix: string;
  /** `prefix` + the parts joined with ":"; throws on an empty part or one containing whitespace. */
  key(...parts: (string | number)[]): string;
}

// Whitespace would break CLIENT-style tooling (redis-cli, MONITOR output) and usually means a bug.
const FORBIDDEN = /[\s]/;

/**
 * Two-part keys (`kind`, `name`: every store call's shape) are remembered, at most this many, then the
 * memo starts over. A hit skips the checks and the join, and the store's own Map lookup then gets a
 * string whose hash V8 has already computed.
 */
const MEMO_LIMIT = 4_096;

/** Creates the key builder for one prefix (e.g. "rb:" gives keys like "rb:sw:key:42"). */
export function createKeyspace(prefix: string = DEFAULT_KEY_PREFIX): Keyspace {
  if (FORBIDDEN.test(prefix)) {
    throw new AppError("INTERNAL_ERROR", "The store key prefix must not contain whitespace.");
  }
  const memo = new Map<string, Map<string, string>>();
  let remembered = 0;
  return {
    prefix,
    key(...parts) {
      if (parts.length !== 2) return buildKey(prefix, parts);
      const [kind, name] = parts;
      if (typeof kind !== "string" || typeof name !== "string") return buildKey(prefix, parts);
      const known = memo.get(kind)?.get(name);
      if (known !== undefined) return known;
      const key = buildKey(prefix, parts);
      if (remembered >= MEMO_LIMIT) {
        memo.clear();
        remembered = 0;
      }
      let names = memo.get(kind);
      if (names === undefined) memo.set(kind, (names = new Map()));
      names.set(name, key);
      remembered++;
      return key;
    },
  };
}

/** `prefix` + the parts joined with ":", each part checked. */
function buildKey(prefix: string, parts: (string | number)[]): string {
  if (parts.length === 0) throw new AppError("INTERNAL_ERROR", "A store key needs at least one part.");
  // The prefix joins the first part (one flat string from join: a `prefix + …` rope would be
  // flattened again by every Map lookup of the memory store).
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (typeof part === "number") {
      if (!Number.isFinite(part)) {
        throw new AppError("INTERNAL_ERROR", `Store key part #${i + 1} is not a finite number.`);
      }
      out.push(String(part));
      continue;
    }
    // The part itself is not echoed: keys may embed caller data we should not spill into logs.
    if (typeof part !== "string" || part === "" || FORBIDDEN.test(part)) {
      throw new AppError("INTERNAL_ERROR", `Store key part #${i + 1} is empty or contains whitespace.`);
    }
    out.push(part);
  }
  out[0] = prefix + out[0]!;
  return out.join(":");
}
