import { clampTokenSum, readTokenCount } from "./bounded-token-count";
import type { SseEvent } from "./sse-scanner";

/**
 * Model and token counts from OpenAI and Anthropic responses, JSON or SSE. Only events that can carry
 * usage are JSON-parsed: Anthropic's `message_start`/`message_delta`, OpenAI's first chunk (model) and
 * chunks with a `usage` object, and the Responses API's `response.completed`.
 *
 * Input tokens for Anthropic are `input_tokens + cache_creation_input_tokens + cache_read_input_tokens`
 * so they match OpenAI's `prompt_tokens`, which already include cached tokens. The cached parts are
 * kept apart too (they are priced differently): Anthropic's two cache fields, OpenAI's
 * `prompt_tokens_details.cached_tokens` and the Responses API's `input_tokens_details.cached_tokens`
 * (cache reads; OpenAI reports no cache writes).
 */

export interface UsageInfo {
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** Part of `inputTokens` read from the prompt cache. */
  cacheReadTokens?: number;
  /** Part of `inputTokens` written to the prompt cache (Anthropic). */
  cacheWriteTokens?: number;
  /** Counts the upstream sent out of range (dropped or clamped), for a warning; absent when none. */
  anomalies?: string[];
}

const USAGE_OBJECT = /"usage"\s*:\s*\{/;

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
}

/** Where out-of-range counts of one response are noted (created on the first one). */
function anomaliesOf(into: UsageInfo): string[] {
  into.anomalies ??= [];
  return into.anomalies;
}

function parse(text: string): Record<string, unknown> | null {
  try {
    return asRecord(JSON.parse(text));
  } catch {
    return null;
  }
}

/** Applies one usage object (either vendor's field names) onto `into`; counts are range-checked. */
export function applyUsageObject(into: UsageInfo, usage: unknown): void {
  const u = asRecord(usage);
  if (u === null) return;
  const noted: string[] = [];
  const count = (field: string, from: Record<string, unknown> = u) =>
    readTokenCount(from[field], field, noted);
  const prompt = count("prompt_tokens");
  const completion = count("completion_tokens");
  if (prompt !== undefined) into.inputTokens = prompt;
  if (completion !== undefined) into.outputTokens = completion;
  const promptDetails = asRecord(u.prompt_tokens_details) ?? asRecord(u.input_tokens_details);
  const openAiCached = promptDetails === null ? undefined : count("cached_tokens", promptDetails);
  if (openAiCached !== undefined) into.cacheReadTokens = openAiCached;
  const input = count("input_tokens");
  const cacheWrite = count("cache_creation_input_tokens");
  const cacheRead = count("cache_read_input_tokens");
  if (cacheWrite !== undefined) into.cacheWriteTokens = cacheWrite;
  if (cacheRead !== undefined) into.cacheReadTokens = cacheRead;
  if (input !== undefined) {
    // The Responses API's input_tokens already include cached ones (like prompt_tokens); Anthropic's
    // do not, and a later event may repeat input_tokens alone: add the cache counts known so far.
    const sum =
      promptDetails !== null ? input : input + (into.cacheWriteTokens ?? 0) + (into.cacheReadTokens ?? 0);
    into.inputTokens = clampTokenSum(sum, "input_tokens", noted);
  }
  const output = count("output_tokens");
  if (output !== undefined) into.outputTokens = output;
  if (noted.length > 0) anomaliesOf(into).push(...noted);
}

function applyModel(into: UsageInfo, model: unknown): void {
  if (typeof model === "string" && model !== "") into.model = model.slice(0, 200);
}

/** Extracts usage from a complete JSON response body. */
export function extractJsonUsage(text: string): UsageInfo {
  const info: UsageInfo = {};
  const body = parse(text);
  if (body === null) return info;
  applyModel(info, body.model);
  applyUsageObject(info, body.usage);
  return info;
}

/** Accumulates usage from SSE events as they pass. */
export function createSseUsageTracker(): { onEvent(event: SseEvent): void; readonly usage: UsageInfo } {
  const usage: UsageInfo = {};
  let sawFirstData = false;
  return {
    usage,
    onEvent(e) {
      const name = e.event;
      if (name === "message_start") {
        const message = asRecord(parse(e.data)?.message);
        if (message) {
          applyModel(usage, message.model);
          applyUsageObject(usage, message.usage);
        }
        return;
      }
      if (name === "message_delta") {
        const body = parse(e.data);
        // Counts in message_delta are cumulative; a zero input or cache count there means "not repeated".
        const u = asRecord(body?.usage);
        if (u) {
          for (const f of ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"]) {
            if (u[f] === 0) delete u[f];
          }
        }
        if (u) applyUsageObject(usage, u);
        return;
      }
      if (name === "response.completed") {
        const response = asRecord(parse(e.data)?.response);
        if (response) {
          applyModel(usage, response.model);
          applyUsageObject(usage, response.usage);
        }
        return;
      }
      if (name !== "" && name !== "message") return;
      const first = !sawFirstData;
      if (first) sawFirstData = true;
      const hasUsage = USAGE_OBJECT.test(e.data);
      if (!first && !hasUsage) return;
      const body = parse(e.data);
      if (body === null) {
        if (first) sawFirstData = false;
        return;
      }
      if (usage.model === undefined) applyModel(usage, body.model);
      if (hasUsage) applyUsageObject(usage, body.usage);
    },
  };
}

/** The request's `model` field (fallback when the response named none); only small JSON bodies. */
export function extractRequestModel(body: Buffer, maxBytes: number): string | undefined {
  if (body.length === 0 || body.length > maxBytes || body[0] !== 0x7b /* "{" */) return undefined;
  const parsed = parse(body.toString("utf8"));
  const model = parsed?.model;
  return typeof model === "string" && model !== "" ? model.slice(0, 200) : undefined;
}
