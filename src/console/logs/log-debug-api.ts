import type { z } from "zod";
import {
  logCurlSchema,
  logDiffSchema,
  replayResultSchema,
  type BodyDiffView,
  type LogCurl,
  type LogDiff,
  type ReplayInput,
  type ReplayResult,
  type sseEventSchema,
} from "@/contracts/log-debug";
import { readOne } from "../api-client";

/**
 * The console's view of the debugging endpoints (replay, diff, copy as curl): the admin API's
 * contracts (`src/contracts/log-debug.ts`, issue 15), read with `readOne`, and the pieces of them
 * the views name.
 */

export type { BodyDiffView, ReplayResult };
export { replayStreamLineSchema, type ReplayStreamLine } from "@/contracts/log-debug";
export type ReplayEvent = z.infer<typeof sseEventSchema>;
export type LogDiffView = LogDiff;
export type DiffSide = LogDiff["a"];
export type HeaderDiffView = NonNullable<LogDiff["response"]>["headers"];
export type JsonChangeView = Extract<BodyDiffView, { kind: "json" }>["changes"][number];
export type DiffLineView = Extract<BodyDiffView, { kind: "text" }>["lines"][number];

/** Reads a diff answer (BAD_RESPONSE when it is not one). */
export function selectDiff(body: unknown): LogDiff {
  return readOne(body, logDiffSchema);
}

/** Reads a replay answer (BAD_RESPONSE when it is not one). */
export function selectReplay(body: unknown): ReplayResult {
  return readOne(body, replayResultSchema);
}

/** Reads a copy-as-curl answer. */
export function selectCurl(body: unknown): LogCurl {
  return readOne(body, logCurlSchema);
}

/** The body of POST /logs/{id}/replay, with the fields the dialog always sets. */
export type ReplayRequest = Required<Pick<ReplayInput, "target" | "overrides" | "stream">>;
