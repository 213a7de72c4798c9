import { asc, eq } from "drizzle-orm";
import {
  providerCreateSchema,
  providerToggleSchema,
  providerUpdateSchema,
  type Provider,
  type ProviderTestResult,
} from "@/contracts/providers";
import { AppError } from "@/core/errors/catalogue";
import { groupProviders, groups, providers, type ProviderRow } from "@/db/schema";
import { credentialTail, toProvider } from "./mappers";
import { openProviderHeaders, resolveMaskedHeaders, sealProviderHeaders } from "./provider-headers";
import { testProviderConnection } from "./provider-connection-test";
import { createResourceCrud } from "./resource-crud";
import { assertSavedUrlAllowed } from "./outbound-save-check";
import { parseInput, type ServiceContext, type WriteContext } from "./service-context";

export interface ProviderService {
  /** Every provider, by name. */
  list(): Promise<Provider[]>;
  /** One provider; PROVIDER_NOT_FOUND when missing. */
  get(id: string): Promise<Provider>;
  /** Creates a provider; the credential is sealed with the provider id as associated data. */
  create(by: WriteContext, input: unknown): Promise<Provider>;
  /** Partial update: only the fields sent change (`apiKey: null` clears the credential). */
  update(by: WriteContext, id: string, input: unknown): Promise<Provider>;
  /** Flips `enabled`, or sets it when the input names it. */
  toggle(by: WriteContext, id: string, input: unknown): Promise<Provider>;
  /** Deletes a provider; refuses (PROVIDER_IN_USE) while it is a member of any group. */
  remove(by: WriteContext, id: string): Promise<void>;
  /** Probes the stored provider now (`{ path?, timeoutMs? }`); informational: changes and audits nothing. */
  test(id: string, input: unknown): Promise<ProviderTestResult>;
}

/** Provider CRUD: validation, sealed credentials, audit and change announcements. */
export function createProviderService(ctx: ServiceContext): ProviderService {
  const { db, sealer } = ctx;
  const crud = createResourceCrud<ProviderRow>(ctx, {
    table: providers,
    kind: "provider",
    label: "provider",
    notFound: "PROVIDER_NOT_FOUND",
    nameTaken: "PROVIDER_NAME_TAKEN",
    codes: { group_providers_provider_id_providers_id_fk: "PROVIDER_IN_USE" },
  });

  return {
    async list() {
      const rows = await db.select().from(providers).where(ctx.owned(providers)).orderBy(asc(providers.name));
      return rows.map(toProvider);
    },

    async get(id) {
      return toProvider(await crud.find(db, id, false));
    },

    async create(by, input) {
      const data = parseInput(providerCreateSchema, input);
      await assertSavedUrlAllowed(ctx, data.baseUrl);
      return crud.create(
        by,
        data.name,
        async (tx, id, now) => {
          const [row] = await tx
            .insert(providers)
            .values({
              id,
              tenantId: ctx.tenantId,
              name: data.name,
              baseUrl: data.baseUrl,
              apiKeyCipher: data.apiKey ? sealer.seal(data.apiKey, id) : null,
              apiKeyLast4: data.apiKey ? credentialTail(data.apiKey) : null,
              authStyle: data.authStyle,
              weight: data.weight,
              enabled: data.enabled,
              healthCheckPath: data.healthCheckPath,
              rateLimitPerMinute: data.rateLimitPerMinute,
              maxConcurrency: data.maxConcurrency,
              ...sealProviderHeaders(id, resolveMaskedHeaders(data.headers, null), sealer),
              description: data.description,
              models: data.models,
              createdAt: now,
              updatedAt: now,
            })
            .returning();
          return toProvider(row!);
        },
        (provider) => `Created provider "${provider.name}"`,
      );
    },

    async update(by, id, input) {
      const data = parseInput(providerUpdateSchema, input);
      if (data.baseUrl !== undefined) await assertSavedUrlAllowed(ctx, data.baseUrl);
      return crud.update(by, id, data.name, async (tx, current) => {
        const { apiKey, headers, ...fields } = data;
        // Header values are never shown, so a masked value sent back keeps the stored one.
        const storedHeaders =
          headers === undefined ? null : openProviderHeaders(current, (s, aad) => sealer.open(s, aad));
        const clearHeaders = headers === undefined ? null : resolveMaskedHeaders(headers, storedHeaders);
        const headerFields =
          clearHeaders === null ? {} : sealProviderHeaders(current.id, clearHeaders, sealer);
        const credential =
          apiKey === undefined
            ? {}
            : apiKey === null
              ? { apiKeyCipher: null, apiKeyLast4: null }
              : { apiKeyCipher: sealer.seal(apiKey, current.id), apiKeyLast4: credentialTail(apiKey) };
        const [row] = await tx
          .update(providers)
          .set({ ...fields, ...headerFields, ...credential, updatedAt: ctx.now() })
          .where(eq(providers.id, current.id))
          .returning();
        const before = toProvider(current);
        const after = toProvider(row!);
        // A replaced credential with the same tail still changed: say so without showing it.
        const sameTail = typeof apiKey === "string" && before.apiKeyMasked === after.apiKeyMasked;
        // Header values changed under the same names: name them, never their values.
        const replacedHeaders = Object.keys(clearHeaders ?? {}).filter(
          (name) =>
            storedHeaders !== null && name in storedHeaders && storedHeaders[name] !== clearHeaders?.[name],
        );
        const extraChanges = {
          ...(sameTail
            ? { apiKeyMasked: { from: before.apiKeyMasked, to: `${after.apiKeyMasked} (replaced)` } }
            : {}),
          ...(replacedHeaders.length > 0 ? { headerValuesReplaced: replacedHeaders } : {}),
        };
        return {
          before,
          after,
          extraChanges: Object.keys(extraChanges).length > 0 ? extraChanges : undefined,
        };
      });
    },

    async toggle(by, id, input) {
      const data = parseInput(providerToggleSchema, input ?? {});
      return ctx.write(by, async (tx) => {
        const current = await crud.find(tx, id, true);
        const enabled = data.enabled ?? !current.enabled;
        const [row] = await tx
          .update(providers)
          .set({ enabled, updatedAt: ctx.now() })
          .where(eq(providers.id, current.id))
          .returning();
        const after = toProvider(row!);
        return {
          result: after,
          audit: {
            action: "provider.toggle",
            entityType: "provider",
            entityId: current.id,
            summary: `${enabled ? "Enabled" : "Disabled"} provider "${after.name}"`,
            changes: { enabled: { from: current.enabled, to: enabled } },
          },
          announce: { kind: "provider", id: current.id },
        };
      });
    },

    async remove(by, id) {
      await crud.remove(by, id, async (tx, current) => {
        const usedBy = await tx
          .select({ id: groups.id, slug: groups.slug, name: groups.name })
          .from(groupProviders)
          .innerJoin(groups, eq(groups.id, groupProviders.groupId))
          .where(eq(groupProviders.providerId, current.id))
          .orderBy(asc(groups.slug));
        if (usedBy.length > 0) {
          throw new AppError(
            "PROVIDER_IN_USE",
            `Provider "${current.name}" is still a member of ${usedBy.length} group(s); remove it from them first.`,
            { groups: usedBy },
          );
        }
        return { before: toProvider(current) };
      });
    },

    test(id, input) {
      return testProviderConnection(ctx, id, input);
    },
  };
}
