import { AppError, isAppError } from "@/core/errors/catalogue";
import { assertOutboundHostAllowed, assertOutboundUrlAllowed } from "@/security/outbound-guard";
import type { ServiceContext } from "./service-context";

// A save waits for the resolver at most this long; a name that does not answer in time is saved
// anyway, because every connection checks it again (the connect-time check is authoritative).
const SAVE_RESOLVE_TIMEOUT_MS = 2_000;

/**
 * The save-time outbound check of a URL (provider base URL, webhook/robot URL): a literal internal
 * address, or a name that resolves to one now, is refused with 400 OUTBOUND_BLOCKED naming
 * OUTBOUND_ALLOW. Names that do not resolve pass.
 */
export function assertSavedUrlAllowed(ctx: Pick<ServiceContext, "outbound">, url: string): Promise<void> {
  return assertOutboundUrlAllowed(url, ctx.outbound, { resolveTimeoutMs: SAVE_RESOLVE_TIMEOUT_MS });
}

/** The save-time outbound check of a bare host (an SMTP server), like `assertSavedUrlAllowed`. */
export function assertSavedHostAllowed(ctx: Pick<ServiceContext, "outbound">, host: string): Promise<void> {
  return assertOutboundHostAllowed(host, ctx.outbound, { resolveTimeoutMs: SAVE_RESOLVE_TIMEOUT_MS });
}

/**
 * The save-time check of every URL of an import. Each distinct origin is checked once (a document
 * of 10,000 providers on a handful of hosts resolves a handful of names); the refusal names the
 * entry (`path(index)`) of the first URL refused.
 */
export async function assertImportUrlsAllowed(
  ctx: Pick<ServiceContext, "outbound">,
  urls: readonly string[],
  path: (index: number) => string,
): Promise<void> {
  const seen = new Set<string>();
  for (let i = 0; i < urls.length; i++) {
    const url = urls[i]!;
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      origin = url;
    }
    if (seen.has(origin)) continue;
    seen.add(origin);
    try {
      await assertSavedUrlAllowed(ctx, url);
    } catch (err) {
      if (!isAppError(err) || err.code !== "OUTBOUND_BLOCKED") throw err;
      throw new AppError("OUTBOUND_BLOCKED", `${path(i)}: ${err.message}`, err.details);
    }
  }
}

/** The save-time check of an alert channel's target: its `url` (webhook, robots) or SMTP `host`. */
export async function assertChannelTargetAllowed(
  ctx: Pick<ServiceContext, "outbound">,
  config: { readonly url?: unknown; readonly host?: unknown },
): Promise<void> {
  if (typeof config.url === "string") await assertSavedUrlAllowed(ctx, config.url);
  if (typeof config.host === "string") await assertSavedHostAllowed(ctx, config.host);
}
