/**
 * Response bodies the mock upstream speaks: OpenAI chat completions and Anthropic messages, JSON and
 * SSE, in the shapes the official SDKs parse. Kept apart from the server so the shapes read plainly.
 */

export interface MockUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface MockReply {
  readonly model: string;
  readonly text: string;
  readonly usage: MockUsage;
}

/** Splits the reply text into `count` roughly equal, non-empty pieces (SSE content deltas). */
export function splitText(text: string, count: number): string[] {
  const n = Math.max(1, Math.min(count, text.length || 1));
  const size = Math.ceil(text.length / n);
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length > 0 ? pieces : [""];
}

/** Returns an SSE frame: optional `event:` line, one `data:` line, blank line. */
export function sseFrame(data: string, event?: string): string {
  return event ? `event: ${event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

/** OpenAI non-streaming chat completion body. */
export function openAiCompletion(reply: MockReply): string {
  const { inputTokens: i, outputTokens: o } = reply.usage;
  return JSON.stringify({
    id: "chatcmpl-mock",
    object: "chat.completion",
    created: 1_700_000_000,
    model: reply.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: reply.text, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: i, completion_tokens: o, total_tokens: i + o },
  });
}

/** One OpenAI stream chunk (`usage` is null on every chunk but the final one when usage was asked for). */
function openAiChunk(model: string, delta: object, finish: string | null, withUsage: boolean): string {
  const chunk: Record<string, unknown> = {
    id: "chatcmpl-mock",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  if (withUsage) chunk.usage = null;
  return sseFrame(JSON.stringify(chunk));
}

/** OpenAI stream frames: role chunk, content chunks, finish chunk, optional usage chunk, [DONE]. */
export function openAiStreamFrames(reply: MockReply, pieces: string[], includeUsage: boolean) {
  const head = [openAiChunk(reply.model, { role: "assistant", content: "" }, null, includeUsage)];
  const content = pieces.map((p) => openAiChunk(reply.model, { content: p }, null, includeUsage));
  const tail = [openAiChunk(reply.model, {}, "stop", includeUsage)];
  if (includeUsage) {
    const { inputTokens: i, outputTokens: o } = reply.usage;
    tail.push(
      sseFrame(
        JSON.stringify({
          id: "chatcmpl-mock",
          object: "chat.completion.chunk",
          created: 1_700_000_000,
          model: reply.model,
          choices: [],
          usage: { prompt_tokens: i, completion_tokens: o, total_tokens: i + o },
        }),
      ),
    );
  }
  tail.push("data: [DONE]\n\n");
  return { head, content, tail };
}

/** Anthropic non-streaming message body. */
export function anthropicMessage(reply: MockReply): string {
  return JSON.stringify({
    id: "msg_mock",
    type: "message",
    role: "assistant",
    model: reply.model,
    content: [{ type: "text", text: reply.text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: reply.usage.inputTokens, output_tokens: reply.usage.outputTokens },
  });
}

/** Anthropic `message_start` frame (no content yet). */
export function anthropicMessageStart(reply: MockReply): string {
  return sseFrame(
    JSON.stringify({
      type: "message_start",
      message: {
        id: "msg_mock",
        type: "message",
        role: "assistant",
        model: reply.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: reply.usage.inputTokens, output_tokens: 1 },
      },
    }),
    "message_start",
  );
}

/** Anthropic stream frames: message_start, block start, ping, deltas, block stop, message_delta, stop. */
export function anthropicStreamFrames(reply: MockReply, pieces: string[]) {
  const head = [
    anthropicMessageStart(reply),
    sseFrame(
      JSON.stringify({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
      "content_block_start",
    ),
    sseFrame(JSON.stringify({ type: "ping" }), "ping"),
  ];
  const content = pieces.map((text) =>
    sseFrame(
      JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }),
      "content_block_delta",
    ),
  );
  const tail = [
    sseFrame(JSON.stringify({ type: "content_block_stop", index: 0 }), "content_block_stop"),
    sseFrame(
      JSON.stringify({
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: reply.usage.outputTokens },
      }),
      "message_delta",
    ),
    sseFrame(JSON.stringify({ type: "message_stop" }), "message_stop"),
  ];
  return { head, content, tail };
}

/** An in-stream error event in the API's own format (what real upstreams send inside a 200 stream). */
export function streamErrorFrame(anthropic: boolean): string {
  return anthropic
    ? sseFrame(
        JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
        "error",
      )
    : sseFrame(JSON.stringify({ error: { message: "The server is overloaded", type: "server_error" } }));
}

/** Model list in a shape both SDKs accept (OpenAI `object`/`owned_by`, Anthropic `type`/`display_name`). */
export function modelList(model: string): string {
  return JSON.stringify({
    object: "list",
    data: [
      {
        id: model,
        object: "model",
        type: "model",
        created: 1_700_000_000,
        created_at: "2024-01-01T00:00:00Z",
        display_name: model,
        owned_by: "mock",
      },
    ],
    has_more: false,
    first_id: model,
    last_id: model,
  });
}
