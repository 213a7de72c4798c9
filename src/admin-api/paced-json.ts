import { AppError } from "@/core/errors/catalogue";
import { createPacer } from "@/db/pacing";
import { MAX_JSON_DEPTH, parseJsonText } from "./http-io";

/**
 * JSON.parse of a large admin body (a 6 MB config import takes ~60 ms) in slices: containers bigger
 * than a piece are walked here child by child, each small child goes to JSON.parse, and the event
 * loop gets a turn between slices, so proxied requests on the same loop keep being served. Same
 * value, same INVALID_JSON errors (with the position in the whole body) as `parseJsonText`.
 */

/** Bodies shorter than this are parsed at once: one JSON.parse of 256 KB holds the loop ~2 ms. */
export const PACED_JSON_MIN_CHARS = 256 * 1024;
/** Children up to this size are handed to JSON.parse whole. */
const PIECE_CHARS = 32 * 1024;

class JsonSyntaxError extends Error {
  constructor(readonly position: number) {
    super(`JSON syntax error at ${position}`);
  }
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * End (exclusive) of the value starting at `i`, found by brackets and strings alone: JSON.parse of
 * the slice (or the walk below) checks everything else.
 */
function valueEnd(text: string, i: number): number {
  let depth = 0;
  let inString = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (c === 0x2c || c === 0x3a || isSpace(c))) return i;
  }
  return text.length;
}

interface Walk {
  readonly text: string;
  readonly pieceChars: number;
  readonly pace: () => Promise<void> | undefined;
}

/** A small value: one JSON.parse (depth checked against what encloses it). */
function parsePiece(walk: Walk, start: number, end: number, levels: number): unknown {
  try {
    return parseJsonText(walk.text.slice(start, end), MAX_JSON_DEPTH - levels);
  } catch (err) {
    const position = err instanceof AppError ? /position (\d+)/.exec(err.message)?.[1] : undefined;
    if (position !== undefined) throw new JsonSyntaxError(start + Number(position));
    throw err;
  }
}

async function parseValue(walk: Walk, start: number, end: number, levels: number): Promise<unknown> {
  const open = walk.text.charCodeAt(start);
  const container = open === 0x5b || open === 0x7b;
  if (!container || end - start <= walk.pieceChars) return parsePiece(walk, start, end, levels);
  if (levels + 1 > MAX_JSON_DEPTH) {
    throw new AppError(
      "INVALID_JSON",
      `The request body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels.`,
    );
  }
  return open === 0x5b ? parseArray(walk, start, end, levels) : parseObject(walk, start, end, levels);
}

/** After a child: the index of the next child, or -1 when `close` ended the container at end - 1. */
function afterChild(text: string, i: number, end: number, close: number): number {
  i = skipSpace(text, i);
  const c = text.charCodeAt(i);
  if (c === 0x2c) return skipSpace(text, i + 1);
  if (c === close && i === end - 1) return -1;
  throw new JsonSyntaxError(i);
}

async function parseArray(walk: Walk, start: number, end: number, levels: number): Promise<unknown[]> {
  const { text } = walk;
  const out: unknown[] = [];
  let i = skipSpace(text, start + 1);
  if (text.charCodeAt(i) === 0x5d) {
    if (i !== end - 1) throw new JsonSyntaxError(i);
    return out;
  }
  while (i !== -1) {
    const childEnd = valueEnd(text, i);
    if (childEnd === i) throw new JsonSyntaxError(i);
    out.push(await parseValue(walk, i, childEnd, levels + 1));
    await walk.pace();
    i = afterChild(text, childEnd, end, 0x5d);
  }
  return out;
}

async function parseObject(walk: Walk, start: number, end: number, levels: number): Promise<object> {
  const { text } = walk;
  const out: Record<string, unknown> = {};
  let i = skipSpace(text, start + 1);
  if (text.charCodeAt(i) === 0x7d) {
    if (i !== end - 1) throw new JsonSyntaxError(i);
    return out;
  }
  while (i !== -1) {
    if (text.charCodeAt(i) !== 0x22) throw new JsonSyntaxError(i);
    const keyEnd = valueEnd(text, i);
    const key = parsePiece(walk, i, keyEnd, levels) as string;
    let j = skipSpace(text, keyEnd);
    if (text.charCodeAt(j) !== 0x3a) throw new JsonSyntaxError(j);
    j = skipSpace(text, j + 1);
    const childEnd = valueEnd(text, j);
    if (childEnd === j) throw new JsonSyntaxError(j);
    const value = await parseValue(walk, j, childEnd, levels + 1);
    // As JSON.parse does: an own property even for "__proto__" (assignment would set the prototype).
    Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
    await walk.pace();
    i = afterChild(text, childEnd, end, 0x7d);
  }
  return out;
}

/** `parseJsonText` for large bodies: the same value and errors, without one long stall. */
export async function parseJsonTextPaced(text: string, pieceChars = PIECE_CHARS): Promise<unknown> {
  if (text.length < PACED_JSON_MIN_CHARS && pieceChars === PIECE_CHARS) return parseJsonText(text);
  const start = skipSpace(text, 0);
  if (start === text.length) return parseJsonText(text);
  const walk: Walk = { text, pieceChars, pace: createPacer() };
  try {
    // The whole body is the top value (no scan for its end: a container must close at the last byte).
    let end = text.length;
    while (isSpace(text.charCodeAt(end - 1))) end--;
    const value = await parseValue(walk, start, end, 0);
    return value;
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      throw new AppError(
        "INVALID_JSON",
        `The request body is not valid JSON (near position ${err.position}).`,
      );
    }
    throw err;
  }
}
