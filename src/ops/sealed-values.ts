import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { alertChannels, providers } from "@/db/schema";
import { openProviderHeaders, sealProviderHeaders } from "@/security/provider-header-secrets";
import type { SecretBox } from "@/security/secret-box";

/**
 * Every value the secret box sealed, walked in one place: a provider's `apiKey` (aad = provider id),
 * its extra header values (aad = `<id>/header/<name>`), an alert channel's secrets (aad = channel id).
 * `verify` opens each one; `reseal` also seals it again under the active key, in one transaction.
 * A new sealed column must be added here, or a key rotation leaves it behind.
 */

/** Where a value that would not open lives (never the value). */
export interface SealedValueFailure {
  readonly table: "providers" | "alert_channels";
  readonly id: string;
  readonly field: string;
  readonly reason: string;
}

export interface SealedValuesReport {
  /** Values opened with the key ring. */
  readonly opened: number;
  /** Of those, values sealed again under the active key (reseal mode). */
  readonly resealed: number;
  /** Of those, values already under the active key. */
  readonly current: number;
  readonly failures: readonly SealedValueFailure[];
}

type Mode = "verify" | "reseal";

interface Tally {
  opened: number;
  resealed: number;
  current: number;
  failures: SealedValueFailure[];
}

/** The key id a sealed value names (`v1.<keyId>.…`). */
function keyIdOfSealed(sealed: string): string {
  return sealed.split(".")[1] ?? "";
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Opens (and in reseal mode re-seals) every sealed value; reseal runs in one transaction. */
export async function walkSealedValues(db: Db, box: SecretBox, mode: Mode): Promise<SealedValuesReport> {
  const tally: Tally = { opened: 0, resealed: 0, current: 0, failures: [] };
  if (mode === "verify") {
    await walkProviders(db, box, mode, tally);
    await walkChannels(db, box, mode, tally);
    return tally;
  }
  await db
    .transaction(async (tx) => {
      await walkProviders(tx as unknown as Db, box, mode, tally);
      await walkChannels(tx as unknown as Db, box, mode, tally);
      // Leave nothing half-rotated: one unreadable value rolls the whole pass back.
      if (tally.failures.length > 0) tx.rollback();
    })
    .catch((err: unknown) => {
      if (tally.failures.length === 0) throw err;
    });
  return tally.failures.length > 0 ? { ...tally, resealed: 0 } : tally;
}

/** Counts one opened value and says whether it should be sealed again. */
function counted(tally: Tally, box: SecretBox, sealed: string, mode: Mode): boolean {
  tally.opened += 1;
  if (keyIdOfSealed(sealed) === box.activeKeyId) {
    tally.current += 1;
    return false;
  }
  if (mode === "reseal") tally.resealed += 1;
  return mode === "reseal";
}

async function walkProviders(db: Db, box: SecretBox, mode: Mode, tally: Tally): Promise<void> {
  const query = db
    .select({
      id: providers.id,
      apiKeyCipher: providers.apiKeyCipher,
      headers: providers.headers,
      headersSealed: providers.headersSealed,
    })
    .from(providers);
  // Row locks keep an admin write from landing between our read and our update.
  const rows = mode === "reseal" ? await query.for("update") : await query;
  for (const row of rows) {
    const update: Partial<typeof providers.$inferInsert> = {};
    if (row.apiKeyCipher) {
      try {
        const plain = box.open(row.apiKeyCipher, row.id);
        if (counted(tally, box, row.apiKeyCipher, mode)) update.apiKeyCipher = box.seal(plain, row.id);
      } catch (err) {
        tally.failures.push({ table: "providers", id: row.id, field: "apiKey", reason: reasonOf(err) });
      }
    }
    if (row.headersSealed && Object.keys(row.headers).length > 0) {
      try {
        const plain = openProviderHeaders(row, (sealed, aad) => box.open(sealed, aad));
        const stale = Object.values(row.headers).filter((sealed) => counted(tally, box, sealed, mode));
        if (stale.length > 0) update.headers = sealProviderHeaders(row.id, plain, box).headers;
      } catch (err) {
        tally.failures.push({ table: "providers", id: row.id, field: "headers", reason: reasonOf(err) });
      }
    }
    if (Object.keys(update).length > 0)
      await db.update(providers).set(update).where(eq(providers.id, row.id));
  }
}

async function walkChannels(db: Db, box: SecretBox, mode: Mode, tally: Tally): Promise<void> {
  const query = db
    .select({ id: alertChannels.id, secretsCipher: alertChannels.secretsCipher })
    .from(alertChannels);
  const rows = mode === "reseal" ? await query.for("update") : await query;
  for (const row of rows) {
    try {
      const plain = box.open(row.secretsCipher, row.id);
      if (counted(tally, box, row.secretsCipher, mode)) {
        await db
          .update(alertChannels)
          .set({ secretsCipher: box.seal(plain, row.id) })
          .where(eq(alertChannels.id, row.id));
      }
    } catch (err) {
      tally.failures.push({ table: "alert_channels", id: row.id, field: "secrets", reason: reasonOf(err) });
    }
  }
}
