import { opsKeys, OpsError, openOpsDatabase, opsSecretBox, type OpsEnv, type Print } from "./ops-context";
import { walkSealedValues, type SealedValuesReport } from "./sealed-values";

/**
 * `npm run rotate-secret`: seals every credential again under SECRET_KEY, opening old values with
 * SECRET_KEY_PREVIOUS (or the embedded key file). With PostgreSQL it runs while the instances serve —
 * they must already run with both keys (step 1 of the rotation in docs/operations.md) so they open
 * both forms; the pass is one transaction, so an instance never sees half of it.
 */

export interface RotateOptions {
  readonly env: OpsEnv;
  readonly force: boolean;
  readonly print: Print;
}

/** Re-seals every sealed value under the active key; throws when one cannot be opened (nothing changes). */
export async function runRotateSecret(options: RotateOptions): Promise<SealedValuesReport> {
  const { env } = options;
  if (!env.SECRET_KEY) {
    throw new OpsError(
      "Set SECRET_KEY to the new key (`openssl rand -base64 32`) and SECRET_KEY_PREVIOUS to the old one, then run again.",
    );
  }
  if (opsKeys(env).keys.length < 2) {
    options.print("Only one key is configured (no SECRET_KEY_PREVIOUS): checking that every value opens.");
  }
  const box = opsSecretBox(env);
  const database = await openOpsDatabase(env, options.force);
  try {
    const report = await walkSealedValues(database.db, box, "reseal");
    if (report.failures.length > 0) {
      const where = report.failures.map((f) => `${f.table} ${f.id} ${f.field}: ${f.reason}`).join("\n  ");
      throw new OpsError(
        `${report.failures.length} sealed values do not open with the configured keys; nothing was changed:\n  ${where}`,
      );
    }
    options.print(
      `re-sealed ${report.resealed} values under the key ${box.activeKeyId} (${report.current} already were). ` +
        "Once every instance runs with this SECRET_KEY, remove SECRET_KEY_PREVIOUS and restart them one by one.",
    );
    return report;
  } finally {
    await database.close();
  }
}
