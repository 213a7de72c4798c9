/**
 * Where a request names its model, found without parsing the whole body: OpenAI and Anthropic JSON
 * bodies carry it in the top-level `model` field; Google's APIs carry it in the path
 * (`/v1beta/models/{model}:generateContent`). The JSON scan walks only the top-level object and skips
 * every value except `model`, so it records the exact byte span of the model string — which is what
 * lets an alias be rewritten without re-serialising the rest of the body (rewrite-model.ts).
 */

/** The byte span of one top-level `"model": "…"` string token (quotes included). */
export interface ModelSpan {
  readonly start: number;
  readonly end: number;
}

/** The model of a JSON body and every span where the top-level `model` string sits. */
export interface BodyModel {
  /** The decoded model name (the last top-level `model`, as JSON.parse would keep). */
  readonly model: string;
  /** Every top-level `model` string token (duplicates are all rewritten alike). */
  readonly spans: readonly ModelSpan[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

const decoder = new TextDecoder("utf-8", { fatal: false });
/** The bytes of `"model"` as a key token. */
const MODEL_KEY = [0x22, 0x6d, 0x6f, 0x64, 0x65, 0x6c, 0x22];

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(bytes: Uint8Array, i: number): number {
  while (i < bytes.length && isSpace(bytes[i])) i++;
  return i;
}

/** Index just past the string token starting at `i` (a quote); -1 when unterminated. */
function skipString(bytes: Uint8Array, i: number): number {
  for (let j = i + 1; j < bytes.length; j++) {
    const b = bytes[j];
    if (b === BACKSLASH) j++;
    else if (b === QUOTE) return j + 1;
  }
  return -1;
}

/** Index just past the value starting at `i`; -1 when malformed or cut. */
function skipValue(bytes: Uint8Array, i: number): number {
  const first = bytes[i];
  if (first === QUOTE) return skipString(bytes, i);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let j = i; j < bytes.length; j++) {
      const b = bytes[j];
      if (b === QUOTE) {
        j = skipString(bytes, j);
        if (j === -1) return -1;
        j--;
      } else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  // Number, true, false, null: up to the next delimiter.
  let j = i;
  while (j < bytes.length) {
    const b = bytes[j];
    if (b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || isSpace(b)) break;
    j++;
  }
  return j > i ? j : -1;
}

/** True when the key token at [start, end) is exactly `"model"` (escaped spellings are decoded). */
function isModelKey(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start === MODEL_KEY.length) {
    for (let k = 0; k < MODEL_KEY.length; k++) if (bytes[start + k] !== MODEL_KEY[k]) return false;
    return true;
  }
  if (bytes.indexOf(BACKSLASH, start) === -1 || bytes.indexOf(BACKSLASH, start) >= end) return false;
  return decodeString(bytes, start, end) === "model";
}

/** Decodes a JSON string token; undefined when it is not valid JSON. */
function decodeString(bytes: Uint8Array, start: number, end: number): string | undefined {
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes.subarray(start, end)));
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds the top-level `model` string of a JSON object body. Undefined when the body is not a JSON
 * object, has no string `model` at the top level, or is malformed before it (the request is then
 * forwarded as it is, like today: the upstream judges its own input).
 */
export function findBodyModel(bytes: Uint8Array): BodyModel | undefined {
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN_BRACE) return undefined;
  i = skipSpace(bytes, i + 1);
  const spans: ModelSpan[] = [];
  let model: string | undefined;
  while (i < bytes.length && bytes[i] !== CLOSE_BRACE) {
    if (bytes[i] !== QUOTE) break;
    const keyEnd = skipString(bytes, i);
    if (keyEnd === -1) break;
    const isModel = isModelKey(bytes, i, keyEnd);
    i = skipSpace(bytes, keyEnd);
    if (bytes[i] !== COLON) break;
    i = skipSpace(bytes, i + 1);
    const valueEnd = skipValue(bytes, i);
    if (valueEnd === -1) break;
    if (isModel) {
      const value = bytes[i] === QUOTE ? decodeString(bytes, i, valueEnd) : undefined;
      if (value !== undefined) {
        spans.push({ start: i, end: valueEnd });
        model = value;
      } else model = undefined;
    }
    i = skipSpace(bytes, valueEnd);
    if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1);
  }
  return model === undefined || model === "" ? undefined : { model, spans };
}

/** Google-style model in the path: `/v1beta/models/{model}:verb` or `/v1/models/{model}`. */
const PATH_MODEL = /\/models\/([^/:]+)(?::[A-Za-z]+)?$/;

/** The model named in the path and its raw segment's span in `path`; undefined when none. */
export function findPathModel(path: string): { model: string; span: ModelSpan } | undefined {
  const match = PATH_MODEL.exec(path);
  if (match === null) return undefined;
  const raw = match[1]!;
  const start = match.index + "/models/".length;
  try {
    const model = decodeURIComponent(raw);
    return model === "" ? undefined : { model, span: { start, end: start + raw.length } };
  } catch {
    return undefined;
  }
}

/** Where a request's model came from, and where it sits for a rewrite. */
export type RequestModel =
  | { readonly source: "body"; readonly model: string; readonly spans: readonly ModelSpan[] }
  | { readonly source: "path"; readonly model: string; readonly span: ModelSpan };

/** The model a request asks for: the JSON body's `model`, else the path's; undefined when neither. */
export function findRequestModel(body: Uint8Array, path: string): RequestModel | undefined {
  if (body.length > 0) {
    const fromBody = findBodyModel(body);
    if (fromBody !== undefined) return { source: "body", model: fromBody.model, spans: fromBody.spans };
  }
  const fromPath = findPathModel(path);
  return fromPath === undefined ? undefined : { source: "path", model: fromPath.model, span: fromPath.span };
}
