/**
 * Typed fetch wrapper for the admin JSON API (and better-auth's routes) from client components.
 * Every failure becomes an ApiError with the server's stable code, so callers branch on codes, never
 * on message text. Cookies ride along (same-origin); nothing here runs at import time.
 */
import { z } from "zod";
import { chooseTenant, chosenTenantSlug, withTenantHeader } from "./tenant-choice";

/** The code used when the request never got an HTTP answer. */
export const NETWORK_ERROR = "NETWORK_ERROR";
/** The code used when an answer was not the JSON we expected. */
export const BAD_RESPONSE = "BAD_RESPONSE";

/** One validation problem as the admin API reports it in `details`. */
export interface ApiIssue {
  path: string;
  message: string;
}

/** A failed API call: HTTP status (0 for network failures), stable code, message and details. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Validation issues from `details` (VALIDATION_FAILED, IMPORT_INVALID), or an empty list. */
  get issues(): ApiIssue[] {
    return readIssues(this.details);
  }
}

/** Returns true when `value` is an ApiError (also across bundles, where instanceof may not hold). */
export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError || (value instanceof Error && value.name === "ApiError");
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Extra query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Sends one JSON request and returns the parsed body (undefined for 204), or throws ApiError. */
export async function apiRequest<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers: withTenantHeader(headers),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, NETWORK_ERROR, error instanceof Error ? error.message : "Network request failed");
  }
  const text = await response.text();
  const parsed = text ? parseJson(text) : undefined;
  if (!response.ok) {
    const error = toApiError(response.status, parsed, text);
    // A remembered tenant that is gone (or no longer ours): forget it, so the next load is unscoped.
    if (error.code === "TENANT_NOT_FOUND" && chosenTenantSlug() !== null) chooseTenant(null);
    throw error;
  }
  if (text && parsed === undefined) {
    throw new ApiError(response.status, BAD_RESPONSE, "The server answered with something other than JSON.");
  }
  return parsed as T;
}

/** POSTs a text body (CSV) with its media type and returns the parsed JSON answer, or throws ApiError. */
export async function apiPostText<T>(
  path: string,
  text: string,
  contentType: string,
  options: RequestOptions = {},
): Promise<T> {
  const response = await send(withQuery(path, options.query), {
    method: "POST",
    headers: { accept: "application/json", "content-type": contentType },
    body: text,
    signal: options.signal,
  });
  const body = await response.text();
  const parsed = body ? parseJson(body) : undefined;
  if (!response.ok) throw toApiError(response.status, parsed, body);
  return parsed as T;
}

/** GETs a file (export) as a Blob, with the file name the server suggests; throws ApiError on failure. */
export async function apiDownload(
  path: string,
  options: RequestOptions = {},
): Promise<{ blob: Blob; fileName: string | null }> {
  const response = await send(withQuery(path, options.query), { method: "GET", signal: options.signal });
  if (!response.ok) {
    const text = await response.text();
    throw toApiError(response.status, text ? parseJson(text) : undefined, text);
  }
  const disposition = response.headers.get("content-disposition") ?? "";
  const match = /filename="?([^";]+)"?/i.exec(disposition);
  return { blob: await response.blob(), fileName: match?.[1] ?? null };
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    const headers = withTenantHeader(Object.fromEntries(new Headers(init.headers).entries()));
    return await fetch(url, { ...init, headers, credentials: "same-origin", cache: "no-store" });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, NETWORK_ERROR, error instanceof Error ? error.message : "Network request failed");
  }
}

/** GET `path`. */
export function apiGet<T>(path: string, options?: RequestOptions): Promise<T> {
  return apiRequest<T>("GET", path, undefined, options);
}

/** POST `body` to `path`. */
export function apiPost<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
  return apiRequest<T>("POST", path, body ?? {}, options);
}

/** PUT `body` to `path`. */
export function apiPut<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
  return apiRequest<T>("PUT", path, body, options);
}

/** PATCH `body` to `path`. */
export function apiPatch<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
  return apiRequest<T>("PATCH", path, body ?? {}, options);
}

/** DELETE `path`. */
export function apiDelete<T = void>(path: string, options?: RequestOptions): Promise<T> {
  return apiRequest<T>("DELETE", path, undefined, options);
}

/**
 * Reads `{ items }`, the one shape every admin list endpoint answers with, checking each item against
 * the contract `schema`; anything else is a BAD_RESPONSE (so a server/console mismatch shows up at once).
 */
export function readItems<T>(body: unknown, schema: z.ZodType<T>): T[] {
  const parsed = z.object({ items: z.array(schema) }).safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? ` at ${first.path.join(".") || "(root)"}: ${first.message}` : "";
    throw new ApiError(200, BAD_RESPONSE, `The server answered with an unexpected list${where}.`);
  }
  return parsed.data.items;
}

/** Reads a single resource, checked against its contract `schema` (BAD_RESPONSE otherwise). */
export function readOne<T>(body: unknown, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? ` at ${first.path.join(".") || "(root)"}: ${first.message}` : "";
    throw new ApiError(200, BAD_RESPONSE, `The server answered with an unexpected shape${where}.`);
  }
  return parsed.data;
}

/** Builds an ApiError from an error answer: our envelope, better-auth's `{code, message}`, or anything else. */
export function toApiError(status: number, body: unknown, rawText = ""): ApiError {
  if (isRecord(body)) {
    const envelope = isRecord(body.error) ? body.error : body;
    const code = typeof envelope.code === "string" && envelope.code ? envelope.code : statusCode(status);
    const message =
      typeof envelope.message === "string" && envelope.message ? envelope.message : `HTTP ${status}`;
    return new ApiError(status, code, message, envelope.details);
  }
  return new ApiError(status, statusCode(status), rawText.slice(0, 200) || `HTTP ${status}`);
}

function statusCode(status: number): string {
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 429) return "RATE_LIMITED";
  return `HTTP_${status}`;
}

function readIssues(details: unknown): ApiIssue[] {
  const list = Array.isArray(details)
    ? details
    : isRecord(details) && Array.isArray(details.issues)
      ? details.issues
      : [];
  return list.filter(
    (item): item is ApiIssue =>
      isRecord(item) && typeof item.path === "string" && typeof item.message === "string",
  );
}

function withQuery(path: string, query: RequestOptions["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}${path.includes("?") ? "&" : "?"}${search}` : path;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
