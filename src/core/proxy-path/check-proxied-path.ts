/**
 * Path confinement for the data plane: the path a client sends after `/api/proxy/{group}` is appended
 * to the provider's base path, so it must never name a parent of that base path — not as a plain `..`
 * segment, and not in any spelling an upstream might resolve to one: percent-encoded dots or slashes
 * (any case, any depth of encoding), backslashes (WHATWG URLs and Windows servers treat them as `/`),
 * `;` path parameters (`..;/` is `..` to a servlet container), control characters (WHATWG drops tabs
 * and newlines, so `.%09.` becomes `..`), a `#` or `?` (which cut the path short for a URL parser) or
 * compatibility forms that normalise to a dot.
 * Refusing is cheap and safe: no provider API needs any of these in its path.
 */

export type PathRefusal =
  | "not-absolute"
  | "protocol-relative"
  | "control-character"
  | "backslash"
  | "encoded-separator"
  | "delimiter"
  | "dot-segment"
  | "encoding-too-deep";

export type PathCheck = { readonly ok: true } | { readonly ok: false; readonly reason: PathRefusal };

const OK: PathCheck = { ok: true };
// Characters that can take part in any of the tricks above; a path without them is accepted at once.
const SUSPECT = /[%\\;.#?\u0000-\u001f\u007f]|[^\u0000-\u007f]/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const ENCODED_SEPARATOR = /%(2f|5c)/i;
const PERCENT_ESCAPE = /%[0-9a-f]{2}/i;
// A segment can only fold to dots if it holds a dot, an escape or a non-ASCII character.
const DOT_LIKE = /[.%]|[^\u0000-\u007f]/;
// Decoding rounds before giving up: real paths are encoded once; `%252e` (twice) is already an attack.
const MAX_DECODE_ROUNDS = 4;

const refuse = (reason: PathRefusal): PathCheck => ({ ok: false, reason });

/** Checks one proxied path (starting with `/`, without the query); pure, and fast for plain paths. */
export function checkProxiedPath(path: string): PathCheck {
  if (!path.startsWith("/")) return refuse("not-absolute");
  if (path.startsWith("//")) return refuse("protocol-relative");
  if (!SUSPECT.test(path)) return OK;
  let text = path;
  for (let round = 0; ; round++) {
    const problem = inspectOneSpelling(text);
    if (problem !== null) return refuse(problem);
    if (!PERCENT_ESCAPE.test(text)) return OK;
    if (round === MAX_DECODE_ROUNDS) return refuse("encoding-too-deep");
    text = decodePercentOnce(text);
  }
}

/** The checks that apply to the path at one level of decoding. */
function inspectOneSpelling(text: string): PathRefusal | null {
  if (CONTROL.test(text)) return "control-character";
  if (text.includes("\\")) return "backslash";
  if (ENCODED_SEPARATOR.test(text)) return "encoded-separator";
  // `#` and `?` end the path for a URL parser: `/..#` would be resolved as `/..`. The caller passes
  // the path without its query, so one here is either a mistake or a decoded `%23`/`%3f` trick.
  if (text.includes("#") || text.includes("?")) return "delimiter";
  for (const segment of text.split("/")) {
    if (isDotSegment(segment)) return "dot-segment";
  }
  return null;
}

function isDotSegment(segment: string): boolean {
  if (segment === "") return false;
  // A servlet container drops `;params` from each segment before resolving dots.
  const semicolon = segment.indexOf(";");
  const bare = semicolon === -1 ? segment : segment.slice(0, semicolon);
  if (bare === "." || bare === "..") return true;
  if (bare.length > 24 || !DOT_LIKE.test(bare)) return false;
  // Fullwidth and other compatibility dots (U+FF0E, U+2025 …) become dots under NFKC; Windows servers
  // ignore trailing spaces and treat "..." like "..". No API path has a segment made only of dots.
  const folded = bare.normalize("NFKC").replace(/%2e/gi, ".").trim();
  return /^\.+$/.test(folded);
}

/** Decodes every `%XX` once (UTF-8 where valid, else byte by byte as Latin-1); never throws. */
function decodePercentOnce(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}
