import { z } from "zod";
import { LOG_SOURCES } from "@/core/vocabulary/capture";
import { attemptViewSchema } from "./logs";

/**
 * Debugging a captured request (issue 15): replay it, compare two requests, copy it as curl. Shared by
 * the admin API (validation, OpenAPI) and the console.
 */

const headerMapSchema = z.record(z.string(), z.string());

/** POST /logs/{id}/replay — where the captured request goes again, and what changes. */
export const replayInputSchema = z.strictObject({
  /** One provider (no balancing, one attempt), or a group by slug (its normal balancing). */
  target: z.union([
    z.strictObject({ providerId: z.uuid() }),
    z.strictObject({ group: z.string().min(1).max(200) }),
  ]),
  overrides: z
    .strictObject({
      /** Replaces the body: a string is sent as is, anything else as JSON. */
      body: z.unknown().optional(),
      /** Merged into the captured headers (lower-cased); null removes one. */
      headers: z.record(z.string().min(1).max(200), z.string().max(8_192).nullable()).optional(),
      /** Sets the JSON body's top-level `model`. */
      model: z.string().min(1).max(200).optional(),
    })
    .optional(),
  /** Stream the answer live as NDJSON (see `replayStreamLineSchema`) instead of one JSON document. */
  stream: z.boolean().optional(),
});
export type ReplayInput = z.input<typeof replayInputSchema>;

/** One server-sent event of an answer. */
export const sseEventSchema = z.object({ event: z.string(), data: z.string() });

/** Time taken by a request: its total, time to first byte, and each upstream attempt. */
export const requestTimingsSchema = z.object({
  totalMs: z.number(),
  ttfbMs: z.number().nullable(),
  attempts: z.array(attemptViewSchema),
});
export type RequestTimings = z.infer<typeof requestTimingsSchema>;

/**
 * The replay's answer (`stream` false): what a client would have got, redacted. `body` holds a
 * non-event-stream body (text, up to 4 MiB: `truncated` says when it was cut), `events` an SSE
 * answer's events; the other one is null.
 */
export const replayResultSchema = z.object({
  /** The replay's own log id (source "replay", replayOf = the original). */
  logId: z.string(),
  replayOf: z.string(),
  status: z.number(),
  headers: headerMapSchema,
  body: z.string().nullable(),
  events: z.array(sseEventSchema).nullable(),
  truncated: z.boolean(),
  timings: requestTimingsSchema,
});
export type ReplayResult = z.infer<typeof replayResultSchema>;

/**
 * `stream: true`: the answer as `application/x-ndjson`, one JSON object per line, in this order:
 * `head` once, then `event` (SSE answers, one per event) or `chunk` (other answers, whole lines of
 * text) as they arrive, then `end` once with the timings. A replay refused by the gateway (rate limit,
 * no provider…) is a normal answer with its error status and body.
 */
export const replayStreamLineSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("head"),
    logId: z.string(),
    replayOf: z.string(),
    status: z.number(),
    headers: headerMapSchema,
  }),
  z.object({ type: z.literal("event"), event: z.string(), data: z.string() }),
  z.object({ type: z.literal("chunk"), text: z.string() }),
  z.object({ type: z.literal("end"), truncated: z.boolean(), timings: requestTimingsSchema }),
]);
export type ReplayStreamLine = z.infer<typeof replayStreamLineSchema>;

const diffLineSchema = z.object({ op: z.enum(["equal", "add", "remove"]), text: z.string() });

const jsonChangeSchema = z.union([
  z.object({ op: z.literal("add"), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal("remove"), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal("replace"), path: z.string(), from: z.unknown(), to: z.unknown() }),
]);

/** Two bodies compared: JSON by pointer, SSE by event sequence and concatenated text, else by lines. */
export const bodyDiffSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }),
  z.object({ kind: z.literal("json"), changes: z.array(jsonChangeSchema), truncated: z.boolean() }),
  z.object({
    kind: z.literal("sse"),
    events: z.object({ a: z.number(), b: z.number() }),
    sequence: z.array(diffLineSchema),
    text: z.array(diffLineSchema),
  }),
  z.object({ kind: z.literal("text"), lines: z.array(diffLineSchema) }),
]);
export type BodyDiffView = z.infer<typeof bodyDiffSchema>;

/** Headers compared by name; credential values masked. */
export const headerDiffSchema = z.object({
  added: headerMapSchema,
  removed: headerMapSchema,
  changed: z.record(z.string(), z.object({ a: z.string(), b: z.string() })),
  same: z.number(),
});

const diffSideSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  status: z.number(),
  errorCode: z.string().nullable(),
  providerId: z.string().nullable(),
  providerName: z.string().nullable(),
  model: z.string().nullable(),
  source: z.enum(LOG_SOURCES),
  replayOf: z.string().nullable(),
  captured: z.boolean(),
  timings: requestTimingsSchema,
});

/**
 * GET /logs/{a}/diff/{b}. `request` and `response` are null when either side was not captured;
 * `response` is also null for viewers (`responseWithheld`), who never see upstream answers.
 * Body diffs say when a side's captured body was cut (`truncated`).
 */
export const logDiffSchema = z.object({
  a: diffSideSchema,
  b: diffSideSchema,
  status: z.object({ a: z.number(), b: z.number(), same: z.boolean() }),
  request: z
    .object({
      method: z.object({ a: z.string(), b: z.string() }),
      path: z.object({ a: z.string(), b: z.string() }),
      headers: headerDiffSchema,
      body: bodyDiffSchema,
      truncated: z.object({ a: z.boolean(), b: z.boolean() }),
    })
    .nullable(),
  response: z
    .object({
      headers: headerDiffSchema,
      body: bodyDiffSchema,
      truncated: z.object({ a: z.boolean(), b: z.boolean() }),
    })
    .nullable(),
  responseWithheld: z.boolean(),
});
export type LogDiff = z.infer<typeof logDiffSchema>;

/** GET /logs/{id}/curl query: the upstream command for another provider than the one that answered. */
export const curlQuerySchema = z.strictObject({
  providerId: z.uuid().optional(),
});

/**
 * GET /logs/{id}/curl: the captured request as shell commands. `gateway` sends it to this gateway with
 * `$ROUNDABOUT_KEY` as the key; `upstream` straight to a provider with `$UPSTREAM_API_KEY` as its
 * credential (null when the provider is gone). Redacted header and body values stay redacted.
 */
export const logCurlSchema = z.object({
  gateway: z.string(),
  upstream: z.object({ providerId: z.string(), providerName: z.string(), command: z.string() }).nullable(),
  /** True when the captured request body was cut: the commands send only its first bytes. */
  bodyTruncated: z.boolean(),
});
export type LogCurl = z.infer<typeof logCurlSchema>;
