import { clampTokenSum, readTokenCount } from "./bounded-token-count";
import type { SseEvent } from "./sse-scanner";

/**
 * Model and token counts from OpenAI and Anthropic responses, JSON or SSE. Only events that can carry
 * usage are JSON-parsed: Anthropic's `message_start`/`message_delta`, OpenAI's first chunk (model) and
 * chunks with a `usage` object, and the Responses API's `response.completed`.
 *
 * Input tokens for Anthropic are `input_tokens + cache_creation_input_tokens + cache_read_input_tokens`
 * so they match OpenAI's `prompt_tokens`, which already include cached tokens.
 */

export interface UsageInfo {
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  /**
   * Input tokens read from the upstream's prompt cache (part of inputTokens): Anthropic's
   * `cache_read_input_tokens`, OpenAI's `prompt_tokens_details.cached_tokens` /
   * `input_tokens_details.cached_tokens`. Other cache counts (writes, cost) extend applyUsageObject.
   */
  cacheReadTokens?: number;
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
  const count = (field: string) => readTokenCount(u[field], field, noted);
  const prompt = count("prompt_tokens");
  const completion = count("completion_tokens");
  if (prompt !== undefined) into.inputTokens = prompt;
  if (completion !== undefined) into.outputTokens = completion;
  const input = count("input_tokens");
  if (input !== undefined) {
    const sum = input + (count("cache_creation_input_tokens") ?? 0) + (count("cache_read_input_tokens") ?? 0);
    into.inputTokens = clampTokenSum(sum, "input_tokens", noted);
  }
  const output = count("output_tokens");
  if (output !== undefined) into.outputTokens = output;
  applyCacheReadTokens(into, u, noted);
  if (noted.length > 0) anomaliesOf(into).push(...noted);
}

/** Cache-read input tokens in either vendor's shape (see UsageInfo.cacheReadTokens). */
function applyCacheReadTokens(into: UsageInfo, u: Record<string, unknown>, noted: string[]): void {
  const anthropic = readTokenCount(u.cache_read_input_tokens, "cache_read_input_tokens", noted);
  if (anthropic !== undefined) {
    into.cacheReadTokens = anthropic;
    return;
  }
  const details = asRecord(u.prompt_tokens_details) ?? asRecord(u.input_tokens_details);
  const cached = details === null ? undefined : readTokenCount(details.cached_tokens, "cached_tokens", noted);
  if (cached !== undefined) into.cacheReadTokens = cached;
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
        // Counts in message_delta are cumulative; a zero input count there means "not repeated".
        const u = asRecord(body?.usage);
        if (u && u.input_tokens === 0) delete u.input_tokens;
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
