import { asc, eq } from "drizzle-orm";
import {
  CONFIG_DOCUMENT_VERSION,
  type ConfigDocument,
  type ImportDiff,
  type ImportResult,
} from "@/contracts/config-document";
import { AppError } from "@/core/errors/catalogue";
import { normalizeQuotaSpec, sameQuotaSpec } from "@/core/quota/quota";
import type { Db } from "@/db/client";
import {
  apiKeys,
  groupProviders,
  groups,
  providers,
  tenants,
  type ProviderRow,
  type TenantRow,
} from "@/db/schema";
import { applyImportPlan, loadCurrentConfig } from "./config-apply";
import { createPacer, runPaced } from "@/db/pacing";
import { planImportSteps, type CurrentConfig, type ImportInput } from "./config-import-plan";
import { maskProviderHeaders, openProviderHeaders, resolveMaskedHeaders } from "./provider-headers";
import { formatProvidersCsv, parseProvidersCsv } from "./providers-csv";
import { parseConfigDocument } from "./config-document-parse";
import { assertImportUrlsAllowed } from "./outbound-save-check";
import type { ServiceContext, WriteContext } from "./service-context";

export interface ImportOptions {
  readonly dryRun: boolean;
  readonly prune: boolean;
  /** A system administrator's import (may change the tenant's quota); false for tenant users. */
  readonly system?: boolean;
}

export interface ExportOptions {
  /** Include provider credentials in clear text (admins only; audited). */
  readonly includeSecrets: boolean;
}

export interface ConfigService {
  /** The whole configuration as one version-1 document. */
  exportDocument(by: WriteContext, options: ExportOptions): Promise<ConfigDocument>;
  /** Validates the whole document, then applies it all-or-nothing (or only reports the diff). */
  importDocument(by: WriteContext, document: unknown, options: ImportOptions): Promise<ImportResult>;
  /** The providers as RFC 4180 CSV. */
  exportProvidersCsv(by: WriteContext, options: ExportOptions): Promise<string>;
  /** Upserts providers from CSV by name (same validation, diff and dry-run rules as the JSON import). */
  importProvidersCsv(by: WriteContext, csv: string, options: ImportOptions): Promise<ImportResult>;
}

/** Configuration export and import. */
export function createConfigService(ctx: ServiceContext): ConfigService {
  const { db, sealer } = ctx;

  const sameCredential = (row: ProviderRow, plaintext: string) => {
    if (row.apiKeyCipher === null) return false;
    try {
      return sealer.open(row.apiKeyCipher, row.id) === plaintext;
    } catch {
      // Unreadable (e.g. sealed under a key no longer configured): treat as different and re-seal.
      return false;
    }
  };

  async function authorizeExport(by: WriteContext, options: ExportOptions, what: string): Promise<void> {
    if (!options.includeSecrets) return;
    if (by.actor.role !== "admin") throw new AppError("FORBIDDEN", "Only admins may export credentials.");
    await ctx.record(by, {
      action: "config.export_secrets",
      entityType: "config",
      entityId: null,
      summary: `Exported ${what} including provider credentials`,
    });
  }

  const revealCredential = (row: ProviderRow): string | null =>
    row.apiKeyCipher === null ? null : sealer.open(row.apiKeyCipher, row.id);

  const openHeaders = (row: ProviderRow) =>
    openProviderHeaders(row, (sealed, aad) => sealer.open(sealed, aad));

  /**
   * Whether the document changes the tenant's quota (undefined when it carries none); a change by a
   * tenant user is an issue: only a system administrator sets a tenant's budget.
   */
  async function planTenantQuota(
    tx: Db,
    input: ImportInput,
    system: boolean,
    issues: Issue[],
  ): Promise<"updated" | "unchanged" | undefined> {
    if (input.tenantQuota === undefined) return undefined;
    const [row] = await tx.select({ quota: tenants.quota }).from(tenants).where(eq(tenants.id, ctx.tenantId));
    if (sameQuotaSpec(row?.quota, input.tenantQuota)) return "unchanged";
    if (!system) {
      issues.push({
        path: "tenantQuota",
        message:
          "only a system administrator can change the tenant's quota (leave it out, or keep the current one)",
      });
    }
    return "updated";
  }

  /**
   * The current config with clear header values (the plan compares them with the document's), and the
   * document with each masked header value replaced by the stored value of the provider it names.
   */
  async function clearHeadersOf(
    current: CurrentConfig,
    input: ImportInput,
  ): Promise<[CurrentConfig, ImportInput]> {
    // 10,000 providers copied twice is ~10 ms: paced like the rest of the import.
    const pace = createPacer();
    const clearProviders: CurrentConfig["providers"][number][] = [];
    for (const row of current.providers) {
      clearProviders.push({ ...row, headers: openHeaders(row) });
      await pace();
    }
    const clear = { ...current, providers: clearProviders };
    const byName = new Map(clear.providers.map((row) => [row.name, row.headers]));
    try {
      const entries: ImportInput["providers"][number][] = [];
      for (const [i, entry] of input.providers.entries()) {
        entries.push({
          ...entry,
          headers: resolveMaskedHeaders(
            entry.headers,
            byName.get(entry.name) ?? null,
            `providers[${i}].headers`,
          ),
        });
        await pace();
      }
      return [clear, { ...input, providers: entries }];
    } catch (err) {
      const details = err instanceof AppError ? (err.details as { issues?: Issue[] } | undefined) : undefined;
      if (details?.issues) throw importInvalid(details.issues);
      throw err;
    }
  }

  async function runImport(
    by: WriteContext,
    input: ImportInput,
    options: ImportOptions & { action: string; providerPath?: (index: number) => string },
  ): Promise<ImportResult> {
    const planOptions = { prune: options.prune, sameCredential, providerPath: options.providerPath };
    const result = (diff: ImportDiff): ImportResult => ({
      dryRun: options.dryRun,
      prune: options.prune,
      applied: !options.dryRun,
      diff,
    });
    const providerPath = options.providerPath ?? ((i: number) => `providers[${i}].baseUrl`);
    await assertImportUrlsAllowed(
      ctx,
      input.providers.map((p) => p.baseUrl),
      providerPath,
    );
    if (options.dryRun) {
      const [current, resolved] = await clearHeadersOf(
        await loadCurrentConfig(db, false, ctx.tenantId),
        input,
      );
      const plan = await runPaced(planImportSteps(current, resolved, planOptions));
      const quota = await planTenantQuota(db, input, options.system === true, plan.issues);
      if (plan.issues.length > 0) throw importInvalid(plan.issues);
      return result(quota === "updated" ? { ...plan.diff, tenantQuota: quota } : plan.diff);
    }
    return ctx.write(by, async (tx) => {
      const [current, resolved] = await clearHeadersOf(
        await loadCurrentConfig(tx, true, ctx.tenantId),
        input,
      );
      const plan = await runPaced(planImportSteps(current, resolved, planOptions));
      const quota = await planTenantQuota(tx, input, options.system === true, plan.issues);
      if (plan.issues.length > 0) throw importInvalid(plan.issues);
      await applyImportPlan(tx, plan, current, sealer, ctx.now(), ctx.tenantId);
      if (quota === "updated") {
        await tx
          .update(tenants)
          .set({ quota: normalizeQuotaSpec(input.tenantQuota) as TenantRow["quota"], updatedAt: ctx.now() })
          .where(eq(tenants.id, ctx.tenantId));
      }
      const diff = quota === "updated" ? { ...plan.diff, tenantQuota: quota } : plan.diff;
      return {
        result: result(diff),
        audit: {
          action: options.action,
          entityType: "config",
          entityId: null,
          summary: summarize(diff),
          changes: { prune: options.prune, diff },
        },
        announce: { kind: "config", id: null },
      };
    });
  }

  return {
    async exportDocument(by, options) {
      await authorizeExport(by, options, "the configuration");
      const [providerRows, groupRows, memberRows, keyRows, [tenantRow]] = await Promise.all([
        db.select().from(providers).where(ctx.owned(providers)).orderBy(asc(providers.name)),
        db.select().from(groups).where(ctx.owned(groups)).orderBy(asc(groups.slug)),
        db
          .select({ member: groupProviders, providerName: providers.name })
          .from(groupProviders)
          .innerJoin(providers, eq(providers.id, groupProviders.providerId))
          .where(ctx.owned(providers))
          .orderBy(asc(groupProviders.priority), asc(providers.name)),
        db
          .select()
          .from(apiKeys)
          .where(ctx.owned(apiKeys))
          .orderBy(asc(apiKeys.name), asc(apiKeys.createdAt)),
        db.select({ quota: tenants.quota }).from(tenants).where(eq(tenants.id, ctx.tenantId)),
      ]);
      const slugById = new Map(groupRows.map((g) => [g.id, g.slug]));
      return {
        version: CONFIG_DOCUMENT_VERSION,
        exportedAt: ctx.now().toISOString(),
        providers: providerRows.map((p) => ({
          name: p.name,
          baseUrl: p.baseUrl,
          ...(options.includeSecrets ? { apiKey: revealCredential(p) } : {}),
          authStyle: p.authStyle,
          weight: p.weight,
          enabled: p.enabled,
          healthCheckPath: p.healthCheckPath,
          rateLimitPerMinute: p.rateLimitPerMinute,
          maxConcurrency: p.maxConcurrency,
          headers: options.includeSecrets ? openHeaders(p) : maskProviderHeaders(p.headers),
          description: p.description,
          models: p.models,
        })),
        groups: groupRows.map(({ id, tenantId: _t, createdAt: _c, updatedAt: _u, ...group }) => ({
          ...group,
          providers: memberRows
            .filter((m) => m.member.groupId === id)
            .map((m) => ({
              provider: m.providerName,
              priority: m.member.priority,
              weight: m.member.weight,
              enabled: m.member.enabled,
              models: m.member.models,
              modelMap: m.member.modelMap,
            })),
        })),
        apiKeys: keyRows.map((k) => ({
          id: k.id,
          name: k.name,
          group: k.groupId === null ? null : (slugById.get(k.groupId) ?? null),
          rateLimitPerMinute: k.rateLimitPerMinute,
          maxConcurrency: k.maxConcurrency,
          expiresAt: k.expiresAt?.toISOString() ?? null,
          enabled: k.enabled,
          note: k.note,
          allowedModels: k.allowedModels,
          capture: k.capture,
          quota: normalizeQuotaSpec(k.quota),
        })),
        tenantQuota: normalizeQuotaSpec(tenantRow?.quota),
      };
    },

    async importDocument(by, document, options) {
      const parsed = await parseConfigDocument(document);
      if (!parsed.ok) throw importInvalid(parsed.issues);
      return runImport(by, parsed.data, { ...options, action: "config.import" });
    },

    async exportProvidersCsv(by, options) {
      await authorizeExport(by, options, "the providers CSV");
      const rows = await db.select().from(providers).where(ctx.owned(providers)).orderBy(asc(providers.name));
      return formatProvidersCsv(
        rows,
        options.includeSecrets ? { credential: revealCredential, headers: openHeaders } : null,
      );
    },

    async importProvidersCsv(by, csv, options) {
      const parsed = parseProvidersCsv(csv);
      if (!parsed.ok) throw importInvalid(parsed.issues);
      return runImport(
        by,
        { providers: parsed.entries },
        { ...options, action: "providers.import_csv", providerPath: (i) => `line ${parsed.lines[i]}` },
      );
    },
  };
}

type Issue = { path: string; message: string };

function importInvalid(issues: Issue[]): AppError {
  const first = issues[0];
  const message = first
    ? `The import has ${issues.length} problem(s); nothing was applied. First: ${first.path ? `${first.path}: ` : ""}${first.message}`
    : undefined;
  return new AppError("IMPORT_INVALID", message, { issues });
}

function summarize(diff: ImportDiff): string {
  const p = diff.providers;
  const g = diff.groups;
  return (
    `Imported configuration: providers +${p.created.length} ~${p.updated.length} -${p.deleted.length}; ` +
    `groups +${g.created.length} ~${g.updated.length} -${g.deleted.length}; API keys ~${diff.apiKeys.updated.length}`
  );
}
