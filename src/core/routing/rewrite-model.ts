import type { ModelSpan, RequestModel } from "./request-model";

/**
 * Alias rewriting. A membership maps a client's model name to the upstream's (`modelMap`); the body
 * is changed only inside the `model` string token(s) found by the scan, every other byte is copied
 * as it came (no re-serialisation: key order, spacing, number spellings, unknown fields all survive).
 */

const encoder = new TextEncoder();

/** The upstream name for `model` under `modelMap`; the client name itself when not mapped. */
export function mapModel(modelMap: Readonly<Record<string, string>> | null, model: string): string {
  if (modelMap === null) return model;
  return Object.hasOwn(modelMap, model) ? modelMap[model]! : model;
}

/** A copy of `body` with each span replaced by the JSON string of `upstreamModel`. */
export function rewriteBodyModel(
  body: Uint8Array,
  spans: readonly ModelSpan[],
  upstreamModel: string,
): Uint8Array {
  const replacement = encoder.encode(JSON.stringify(upstreamModel));
  let length = body.length;
  for (const span of spans) length += replacement.length - (span.end - span.start);
  const out = new Uint8Array(length);
  let from = 0;
  let to = 0;
  for (const span of spans) {
    out.set(body.subarray(from, span.start), to);
    to += span.start - from;
    out.set(replacement, to);
    to += replacement.length;
    from = span.end;
  }
  out.set(body.subarray(from), to);
  return out;
}

/** `path` with the model segment at `span` replaced by the (encoded) upstream name. */
export function rewritePathModel(path: string, span: ModelSpan, upstreamModel: string): string {
  return `${path.slice(0, span.start)}${encodeURIComponent(upstreamModel)}${path.slice(span.end)}`;
}

/** What the upstream gets for a request model under a member's map: the body and path to send. */
export interface RewrittenRequest<B extends Uint8Array> {
  readonly body: B | Uint8Array;
  readonly path: string;
  /** The upstream's model name (equal to the client's when not mapped). */
  readonly upstreamModel: string;
}

/** Applies a member's alias map to a request; returns the inputs unchanged when nothing maps. */
export function rewriteRequestModel<B extends Uint8Array>(
  body: B,
  path: string,
  requestModel: RequestModel,
  modelMap: Readonly<Record<string, string>> | null,
): RewrittenRequest<B> {
  const upstreamModel = mapModel(modelMap, requestModel.model);
  if (upstreamModel === requestModel.model) return { body, path, upstreamModel };
  if (requestModel.source === "body") {
    return { body: rewriteBodyModel(body, requestModel.spans, upstreamModel), path, upstreamModel };
  }
  return { body, path: rewritePathModel(path, requestModel.span, upstreamModel), upstreamModel };
}
