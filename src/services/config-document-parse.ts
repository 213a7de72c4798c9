import { setImmediate as yieldToLoop } from "node:timers/promises";
import { z } from "zod";
import { toIssues, type Issue } from "@/contracts/common";
import {
  apiKeyEntrySchema,
  configDocumentSchema,
  groupEntrySchema,
  providerEntrySchema,
  type ConfigDocument,
} from "@/contracts/config-document";
import { createPacer } from "@/db/pacing";

// The document's envelope with its lists unchecked: the lists are validated entry by entry below.
const envelopeSchema = configDocumentSchema.extend({
  providers: z.array(z.unknown()).max(10_000).default([]),
  groups: z.array(z.unknown()).max(10_000).default([]),
  apiKeys: z.array(z.unknown()).max(100_000).default([]),
});

async function parseList<T>(
  items: readonly unknown[],
  schema: z.ZodType<T>,
  name: string,
  issues: Issue[],
): Promise<T[]> {
  const out: T[] = [];
  // Validating 60,000 entries at once holds the thread for seconds, during which no proxied request
  // would be served: give the event loop a turn every slice.
  const pace = createPacer();
  for (let i = 0; i < items.length; i++) {
    await pace();
    const parsed = schema.safeParse(items[i]);
    if (parsed.success) out.push(parsed.data);
    else issues.push(...toIssues(parsed.error, [name, i]));
  }
  return out;
}

/**
 * Validates a config document like `configDocumentSchema` (same rules, same issue paths) without
 * blocking the event loop for long: the lists are checked in chunks with a turn of the loop between.
 */
export async function parseConfigDocument(
  document: unknown,
): Promise<{ ok: true; data: ConfigDocument } | { ok: false; issues: Issue[] }> {
  const envelope = envelopeSchema.safeParse(document);
  if (!envelope.success) return { ok: false, issues: toIssues(envelope.error) };
  // The envelope copies every list once (60,000 entries: a few ms): a turn before the entries.
  await yieldToLoop();
  const issues: Issue[] = [];
  const providers = await parseList(envelope.data.providers, providerEntrySchema, "providers", issues);
  const groups = await parseList(envelope.data.groups, groupEntrySchema, "groups", issues);
  const apiKeys = await parseList(envelope.data.apiKeys, apiKeyEntrySchema, "apiKeys", issues);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, data: { ...envelope.data, providers, groups, apiKeys } };
}
