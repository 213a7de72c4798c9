import { diffJson, type JsonChange } from "./json-diff";
import { diffText, type DiffLine } from "./line-diff";
import { diffSse, type SseDiff } from "./sse-diff";

/**
 * Picks how two captured bodies are compared: structurally when both are JSON, by event sequence
 * when both are event streams, else line by line. Pure.
 */

export type BodyKind = "json" | "sse" | "text" | "none";

export type BodyDiff =
  | { readonly kind: "none" }
  | { readonly kind: "json"; readonly changes: JsonChange[]; readonly truncated: boolean }
  | ({ readonly kind: "sse" } & SseDiff)
  | { readonly kind: "text"; readonly lines: DiffLine[] };

/** What a body is: `none` when absent, `sse` for an event stream, `json` when it parses. */
export function bodyKind(text: string | null, contentType?: string | null): BodyKind {
  if (text === null || text === "") return "none";
  if (contentType?.startsWith("text/event-stream") || /^(event|data):/m.test(text.slice(0, 512))) {
    return "sse";
  }
  const first = text.trimStart()[0];
  if (first === "{" || first === "[") {
    try {
      JSON.parse(text);
      return "json";
    } catch {
      return "text";
    }
  }
  return "text";
}

/** The diff of two bodies (either may be missing). */
export function diffBodies(
  a: string | null,
  b: string | null,
  types: { a?: string | null; b?: string | null } = {},
): BodyDiff {
  const ka = bodyKind(a, types.a);
  const kb = bodyKind(b, types.b);
  if (ka === "none" && kb === "none") return { kind: "none" };
  if (ka === "json" && kb === "json") {
    return { kind: "json", ...diffJson(JSON.parse(a!) as unknown, JSON.parse(b!) as unknown) };
  }
  if (ka === "sse" && kb === "sse") return { kind: "sse", ...diffSse(a!, b!) };
  return { kind: "text", lines: diffText(a ?? "", b ?? "") };
}
