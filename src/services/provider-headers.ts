import { and, eq } from "drizzle-orm";
import { AppError } from "@/core/errors/catalogue";
import type { Db } from "@/db/client";
import { providers } from "@/db/schema";
import type { Logger } from "@/observability/logger";
import { HEADER_VALUE_MASK } from "@/core/vocabulary/providers";
import { sealProviderHeaders } from "@/security/provider-header-secrets";
import type { CredentialSealer } from "./service-context";

/** Header secrets on the write side: masked values kept on update, legacy rows sealed at start. */
export {
  maskProviderHeaders,
  openProviderHeaders,
  sealProviderHeaders,
} from "@/security/provider-header-secrets";

/**
 * Replaces each masked value with the stored value of the same header (names compared without case);
 * VALIDATION_FAILED when a masked value has no stored header to keep.
 */
export function resolveMaskedHeaders(
  incoming: Readonly<Record<string, string>>,
  stored: Readonly<Record<string, string>> | null,
  where = "headers",
): Record<string, string> {
  const byLower = new Map(Object.entries(stored ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value !== HEADER_VALUE_MASK) {
      out[name] = value;
      continue;
    }
    const kept = byLower.get(name.toLowerCase());
    if (kept === undefined) {
      throw new AppError("VALIDATION_FAILED", undefined, {
        issues: [
          {
            path: `${where}.${name}`,
            message: "the masked placeholder keeps a stored value, but this header has none; send its value",
          },
        ],
      });
    }
    out[name] = kept;
  }
  return out;
}

/**
 * Seals the header values of rows written before headers were sealed. Idempotent and safe on several
 * instances at once (a row is only updated while it is still unsealed). Returns how many it sealed.
 */
export async function sealLegacyProviderHeaders(
  db: Db,
  sealer: CredentialSealer,
  logger: Logger,
): Promise<number> {
  const rows = await db
    .select({ id: providers.id, headers: providers.headers })
    .from(providers)
    .where(eq(providers.headersSealed, false));
  let sealed = 0;
  for (const row of rows) {
    const update = sealProviderHeaders(row.id, row.headers, sealer);
    const done = await db
      .update(providers)
      .set(update)
      .where(and(eq(providers.id, row.id), eq(providers.headersSealed, false)))
      .returning({ id: providers.id });
    sealed += done.length;
  }
  if (sealed > 0) logger.info({ providers: sealed }, "sealed the extra header values of existing providers");
  return sealed;
}
