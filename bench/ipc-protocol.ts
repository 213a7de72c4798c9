import { z } from "zod";

/**
 * Messages between the benchmark orchestrator and its child processes (mock upstreams, bare reference
 * proxy, gateway). Each child runs in its own process so its CPU time can be read on its own.
 */

/** What a child tells the parent once its servers listen: named URLs plus free-form facts. */
export const readyMessageSchema = z.strictObject({
  type: z.literal("ready"),
  urls: z.record(z.string(), z.string()),
  notes: z.record(z.string(), z.string()).default({}),
});

export const failedMessageSchema = z.strictObject({
  type: z.literal("failed"),
  message: z.string(),
});

/** Resource figures of one child at one moment (CPU in µs since the child started). */
export const statsMessageSchema = z.strictObject({
  type: z.literal("stats"),
  id: z.number().int(),
  cpuUserUs: z.number(),
  cpuSystemUs: z.number(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
  extra: z.record(z.string(), z.number()).default({}),
});

/** The child finished a `profile` request (error set when the profiler failed). */
export const profiledMessageSchema = z.strictObject({
  type: z.literal("profiled"),
  id: z.number().int(),
  error: z.string().optional(),
});

export const childMessageSchema = z.discriminatedUnion("type", [
  readyMessageSchema,
  failedMessageSchema,
  statsMessageSchema,
  profiledMessageSchema,
]);

/**
 * `stats` asks for figures; `gc` forces a collection first (when --expose-gc is on); `profile` starts
 * the in-process CPU profiler or stops it and writes the profile to `file`; `close` ends.
 */
export const parentMessageSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("stats"), id: z.number().int(), gc: z.boolean() }),
  z.strictObject({
    type: z.literal("profile"),
    id: z.number().int(),
    action: z.enum(["start", "stop"]),
    file: z.string().min(1).optional(),
  }),
  z.strictObject({ type: z.literal("close") }),
]);

export type ChildMessage = z.infer<typeof childMessageSchema>;
export type ParentMessage = z.infer<typeof parentMessageSchema>;
export type ChildStats = Omit<z.infer<typeof statsMessageSchema>, "type" | "id">;
export type ReadyMessage = z.infer<typeof readyMessageSchema>;
