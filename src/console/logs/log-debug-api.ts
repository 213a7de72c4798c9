import { z } from "zod";
import { attemptViewSchema } from "@/contracts/logs";
import { readOne } from "../api-client";

/**
 * What the console reads of the debugging endpoints (replay, diff, copy as curl), as the admin API's
 * `src/contracts/log-debug.ts` defines them (issue 15).
 */

const headerMapSchema = z.record(z.string(), z.string());

/** One server-sent event of an answer. */
const sseEventSchema = z.object({ event: z.string(), data: z.string() });
export type ReplayEvent = z.infer<typeof sseEventSchema>;

const requestTimingsSchema = z.object({
  totalMs: z.number(),
  ttfbMs: z.number().nullable(),
  attempts: z.array(attemptViewSchema),
});
export type RequestTimings = z.infer<typeof requestTimingsSchema>;

/** POST /logs/{id}/replay (not streamed): the replay's log id and the answer it got. */
export const replayResultSchema = z.object({
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

/** POST /logs/{id}/replay with `stream`: NDJSON lines, `head`, then `event`s or `chunk`s, then `end`. */
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
export type DiffLineView = z.infer<typeof diffLineSchema>;

const jsonChangeSchema = z.union([
  z.object({ op: z.literal("add"), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal("remove"), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal("replace"), path: z.string(), from: z.unknown(), to: z.unknown() }),
]);

const bodyDiffSchema = z.discriminatedUnion("kind", [
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
export type JsonChangeView = Extract<BodyDiffView, { kind: "json" }>["changes"][number];

const headerDiffSchema = z.object({
  added: headerMapSchema,
  removed: headerMapSchema,
  changed: z.record(z.string(), z.object({ a: z.string(), b: z.string() })),
  same: z.number(),
});
export type HeaderDiffView = z.infer<typeof headerDiffSchema>;

const diffSideSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  status: z.number(),
  errorCode: z.string().nullable(),
  providerId: z.string().nullable(),
  providerName: z.string().nullable(),
  model: z.string().nullable(),
  source: z.enum(["client", "replay"]),
  replayOf: z.string().nullable(),
  captured: z.boolean(),
  timings: requestTimingsSchema,
});
export type DiffSide = z.infer<typeof diffSideSchema>;

const pair = <T extends z.ZodType>(schema: T) => z.object({ a: schema, b: schema });

/** GET /logs/{a}/diff/{b}: request and response are null when a side was not captured. */
export const logDiffSchema = z.object({
  a: diffSideSchema,
  b: diffSideSchema,
  status: z.object({ a: z.number(), b: z.number(), same: z.boolean() }),
  request: z
    .object({
      method: pair(z.string()),
      path: pair(z.string()),
      headers: headerDiffSchema,
      body: bodyDiffSchema,
      truncated: pair(z.boolean()),
    })
    .nullable(),
  response: z
    .object({ headers: headerDiffSchema, body: bodyDiffSchema, truncated: pair(z.boolean()) })
    .nullable(),
  responseWithheld: z.boolean(),
});
export type LogDiffView = z.infer<typeof logDiffSchema>;

/** GET /logs/{id}/curl: the commands, with placeholders instead of any secret. */
export const logCurlSchema = z.object({
  gateway: z.string(),
  upstream: z.object({ providerId: z.string(), providerName: z.string(), command: z.string() }).nullable(),
  bodyTruncated: z.boolean(),
});
export type LogCurlView = z.infer<typeof logCurlSchema>;

/** Reads a diff answer (BAD_RESPONSE when it is not one). */
export function selectDiff(body: unknown): LogDiffView {
  return readOne(body, logDiffSchema);
}

/** Reads a replay answer (BAD_RESPONSE when it is not one). */
export function selectReplay(body: unknown): ReplayResult {
  return readOne(body, replayResultSchema);
}

/** Reads a copy-as-curl answer. */
export function selectCurl(body: unknown): LogCurlView {
  return readOne(body, logCurlSchema);
}

/** Where a replay goes: one provider (no balancing) or a group (its normal balancing). */
export type ReplayTarget = { providerId: string } | { group: string };

/** The body of POST /logs/{id}/replay. */
export interface ReplayRequest {
  target: ReplayTarget;
  overrides: { body?: unknown; headers?: Record<string, string | null>; model?: string };
  stream: boolean;
}
