import type { Dictionary, MessageKey, MessageValues } from "./types";

/** Looks up `key` in `dictionary` and fills `{placeholders}`; an unknown key returns the key itself. */
export function translate(dictionary: Dictionary, key: MessageKey, values?: MessageValues): string {
  let node: unknown = dictionary;
  for (const part of key.split(".")) {
    node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  }
  if (typeof node !== "string") return key;
  if (!values) return node;
  // Placeholders without a value stay visible so a missing argument is noticed, not silently dropped.
  return node.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : match,
  );
}
