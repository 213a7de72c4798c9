import { AppError } from "@/core/errors/catalogue";
import { textResponse } from "@/http/web-response";
import type { ExportFile } from "@/stats/export-stream";

/** A streamed export as an attachment download. */
export function fileResponse(file: ExportFile): Response {
  return textResponse(file.body, file.contentType, {
    "content-disposition": `attachment; filename="${file.filename}"`,
  });
}

/** The query string as a plain object, for the services' zod query schemas. */
export function queryOf(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams);
}

/** The media type of a Content-Type header, lower-cased without parameters; null when absent. */
export function mediaTypeOf(request: Request): string | null {
  const header = request.headers.get("content-type");
  if (!header) return null;
  return header.split(";")[0]!.trim().toLowerCase();
}

/** `application/json` or any `application/*+json`. */
export function isJsonMediaType(mediaType: string | null): boolean {
  return (
    mediaType === "application/json" ||
    (mediaType !== null && /^application\/[\w.+-]+\+json$/.test(mediaType))
  );
}

/**
 * Reads a request body into memory, refusing (BODY_TOO_LARGE) as soon as it passes `maxBytes` —
 * from the declared Content-Length when there is one, else while streaming. Null when there is no body.
 */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    throw new AppError("BODY_TOO_LARGE", `The request body exceeds the ${maxBytes}-byte limit.`);
  }
  if (request.body === null) return null;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new AppError("BODY_TOO_LARGE", `The request body exceeds the ${maxBytes}-byte limit.`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** Decodes UTF-8 strictly (a malformed byte sequence is a client error, not replacement characters). */
export function decodeUtf8(bytes: Uint8Array, code: "INVALID_JSON" | "VALIDATION_FAILED"): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new AppError(code, "The request body is not valid UTF-8.");
  }
}

/**
 * Deepest nesting of arrays and objects an admin body may have. The deepest real document (a config
 * export) nests about six levels; JSON.parse copes with any depth, but whatever walks the value
 * recursively afterwards (JSON.stringify into an audit entry, a validator) would overflow the stack
 * on a few kilobytes of `[[[[…` and answer 500.
 */
export const MAX_JSON_DEPTH = 64;

/** True when `text` nests arrays/objects deeper than `max` (one linear scan, strings skipped). */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Parses JSON text; INVALID_JSON with the parser's position hint on failure. `maxDepth` is less than
 * MAX_JSON_DEPTH for a piece of a larger body (parseJsonTextPaced).
 */
export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (text.trim() === "")
    throw new AppError("INVALID_JSON", "The request body is empty; send a JSON document.");
  if (nestsDeeperThan(text, maxDepth)) {
    throw new AppError(
      "INVALID_JSON",
      `The request body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels.`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    // Only the position: V8's messages may quote a snippet of the body, which can hold a credential.
    const position = err instanceof SyntaxError ? /position (\d+)/.exec(err.message)?.[1] : undefined;
    throw new AppError(
      "INVALID_JSON",
      position ? `The request body is not valid JSON (near position ${position}).` : undefined,
    );
  }
}
