import { z } from "zod";
import { LOG_SOURCES } from "@/core/vocabulary/capture";
import { ATTEMPT_OUTCOMES, STATUS_CLASSES } from "@/core/vocabulary/status-classes";
import { timestampSchema } from "./common";
import { instantSchema } from "./stats";

const booleanParam = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const logFilterFields = {
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  groupId: z.uuid().optional(),
  providerId: z.uuid().optional(),
  keyId: z.uuid().optional(),
  /** `2xx` and `3xx` are the successful requests; `err` failed without an error status. */
  statusClass: z.enum(STATUS_CLASSES).optional(),
  errorCode: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,63}$/, "must be an error code such as UPSTREAM_TIMEOUT")
    .optional(),
  model: z.string().min(1).max(200).optional(),
  streamed: booleanParam.optional(),
  /** Exact request id (the `x-request-id` the client got). */
  requestId: z.string().min(1).max(200).optional(),
  /** Path prefix (after the group slug), e.g. `/v1/messages`. */
  path: z.string().min(1).max(2048).optional(),
  /** Exact status code. */
  status: z.coerce.number().int().min(0).max(999).optional(),
  /** `client` (default: replays are left out), `replay`, or `all`. */
  source: z.enum([...LOG_SOURCES, "all"]).optional(),
  /** Only replays of this log id. */
  replayOf: z.string().min(1).max(200).optional(),
};

/** GET /logs: newest first; `cursor` is the `nextCursor` of the previous page (opaque). */
export const logsQuerySchema = z.strictObject({
  ...logFilterFields,
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type LogsQuery = z.input<typeof logsQuerySchema>;

/** GET /logs/export: every matching row, newest first, streamed as CSV (default) or a JSON array. */
export const logsExportQuerySchema = z.strictObject({
  ...logFilterFields,
  format: z.enum(["csv", "json"]).default("csv"),
});
export type LogsExportQuery = z.input<typeof logsExportQuerySchema>;

export const logSummarySchema = z.object({
  id: z.string(),
  createdAt: timestampSchema,
  groupId: z.string().nullable(),
  groupSlug: z.string().nullable(),
  providerId: z.string().nullable(),
  providerName: z.string().nullable(),
  keyId: z.string().nullable(),
  keyName: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  status: z.number(),
  statusClass: z.enum(STATUS_CLASSES),
  errorCode: z.string().nullable(),
  totalMs: z.number(),
  ttfbMs: z.number().nullable(),
  attemptCount: z.number(),
  model: z.string().nullable(),
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  /** Parts of inputTokens read from / written to the prompt cache. */
  cacheReadTokens: z.number().nullable(),
  cacheWriteTokens: z.number().nullable(),
  /** Cost in USD (micro-dollar precision) from the price book; null when the model has no price. */
  costUsd: z.number().nullable(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  streamed: z.boolean(),
  clientIp: z.string().nullable(),
  source: z.enum(LOG_SOURCES),
  /** The log id this request replayed; null for client requests. */
  replayOf: z.string().nullable(),
});
export type LogSummary = z.infer<typeof logSummarySchema>;

export const logsPageSchema = z.object({
  items: z.array(logSummarySchema),
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type LogsPage = z.infer<typeof logsPageSchema>;

/** One upstream attempt; offsets are ms since the request arrived. */
export const attemptViewSchema = z.object({
  providerId: z.string(),
  provider: z.string(),
  status: z.number().nullable(),
  errorCode: z.string().nullable(),
  startMs: z.number(),
  /** Connection ready and request head sent; null when the attempt failed before. */
  connectMs: z.number().nullable(),
  firstByteMs: z.number().nullable(),
  endMs: z.number(),
  durationMs: z.number(),
  outcome: z.enum(ATTEMPT_OUTCOMES),
});
export type AttemptView = z.infer<typeof attemptViewSchema>;

const capturedBodySchema = z.object({
  /** Redacted text of the first bytes (up to the group's capture limit). */
  text: z.string(),
  /** Size of the whole body in bytes. */
  bytes: z.number(),
  truncated: z.boolean(),
});

/** A body inside a capture (text null when there was none). */
const captureBodySchema = z.object({
  text: z.string().nullable(),
  bytes: z.number(),
  truncated: z.boolean(),
});
const headerMapSchema = z.record(z.string(), z.string());

/** What was captured of a request (redacted before it was stored). */
export const captureSchema = z.object({
  request: z.object({
    method: z.string(),
    path: z.string(),
    query: z.string(),
    headers: headerMapSchema,
    body: captureBodySchema,
  }),
  attempts: z.array(
    z.object({
      providerId: z.string().nullable(),
      provider: z.string(),
      status: z.number().nullable(),
      headers: headerMapSchema.nullable(),
      body: captureBodySchema.nullable(),
    }),
  ),
});
export type Capture = z.infer<typeof captureSchema>;

/** GET /logs/{id}: the summary, the attempt timeline and what was captured (when the group or key captures). */
export const logDetailSchema = logSummarySchema.extend({
  attempts: z.array(attemptViewSchema),
  /** The request body and the final answer's body (a shortcut into `capture`). */
  bodies: z
    .object({
      request: capturedBodySchema.nullable(),
      response: capturedBodySchema.nullable(),
    })
    .nullable(),
  capture: captureSchema.nullable(),
});
export type LogDetail = z.infer<typeof logDetailSchema>;
