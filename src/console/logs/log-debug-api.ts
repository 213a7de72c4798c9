import { z } from "zod";
import { readOne } from "../api-client";

/**
 * What the console reads of the debugging endpoints (replay, diff, copy as curl). The shapes follow
 * issue 15; each is read leniently (extra fields ignored) so the view keeps working while the API
 * adds detail.
 */

const diffLineSchema = z.object({ op: z.enum(["equal", "add", "remove"]), text: z.string() });
export type DiffLineView = z.infer<typeof diffLineSchema>;

const jsonChangeSchema = z.union([
  z.object({ op: z.literal("add"), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal("remove"), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal("replace"), path: z.string(), from: z.unknown(), to: z.unknown() }),
]);
export type JsonChangeView = z.infer<typeof jsonChangeSchema>;

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

const headerDiffSchema = z.object({
  added: z.record(z.string(), z.string()),
  removed: z.record(z.string(), z.string()),
  changed: z.record(z.string(), z.object({ a: z.string(), b: z.string() })),
  same: z.number(),
});
export type HeaderDiffView = z.infer<typeof headerDiffSchema>;

const timingSchema = z.object({
  ttfbMs: z.number().nullable(),
  totalMs: z.number(),
  attempts: z.number(),
});
export type TimingView = z.infer<typeof timingSchema>;

const pairOf = <T extends z.ZodType>(schema: T) => z.object({ a: schema, b: schema });

/** GET /logs/{a}/diff/{b}. */
export const logDiffSchema = z.object({
  status: pairOf(z.number()),
  headers: headerDiffSchema,
  body: bodyDiffSchema,
  timings: pairOf(timingSchema),
});
export type LogDiffView = z.infer<typeof logDiffSchema>;

/** Reads a diff answer (BAD_RESPONSE when it is not one). */
export function selectDiff(body: unknown): LogDiffView {
  return readOne(body, logDiffSchema);
}

const sseEventSchema = z.object({ event: z.string().optional(), data: z.string() });
export type ReplayEvent = z.infer<typeof sseEventSchema>;

/** POST /logs/{id}/replay: the replay's own log id and the answer it got. */
export const replayResultSchema = z.object({
  logId: z.string(),
  status: z.number(),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().optional(),
  events: z.array(sseEventSchema).optional(),
  timings: z
    .object({ ttfbMs: z.number().nullable().optional(), totalMs: z.number().optional() })
    .loose()
    .default({}),
});
export type ReplayResult = z.infer<typeof replayResultSchema>;

/** Reads a replay answer (BAD_RESPONSE when it is not one). */
export function selectReplay(body: unknown): ReplayResult {
  return readOne(body, replayResultSchema);
}

/** Where a replay goes: one provider (no balancing) or a group (its normal balancing). */
export type ReplayTarget = { providerId: string } | { group: string };

/** The body of POST /logs/{id}/replay. */
export interface ReplayRequest {
  target: ReplayTarget;
  overrides: { body?: unknown; headers?: Record<string, string>; model?: string };
  stream: boolean;
}

/** GET /logs/{id}/curl: the command, with placeholders instead of any secret. */
export const curlSchema = z.object({ command: z.string() });

/** Reads a copy-as-curl answer. */
export function selectCurl(body: unknown): string {
  return readOne(body, curlSchema).command;
}
