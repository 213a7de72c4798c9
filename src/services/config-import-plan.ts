import type { Issue } from "@/contracts/common";
import type { ApiKeyEntry, GroupEntry, ImportDiff, ProviderEntry } from "@/contracts/config-document";
import { sameQuotaSpec, type QuotaSpec } from "@/core/quota/quota";
import type { ApiKeyRow, GroupProviderRow, GroupRow, ProviderRow } from "@/db/schema";

/**
 * Plans an import without touching the database: every problem with its path, the diff, and the
 * operations to apply. Pure, so dry runs and real runs agree by construction.
 *
 * Linear in the document and the stored config: every lookup (provider by name, group by slug,
 * members by group or provider, keys by id, name or group) goes through a map built once, never a
 * scan of the stored rows per entry.
 */

export interface CurrentConfig {
  readonly providers: readonly ProviderRow[];
  readonly groups: readonly GroupRow[];
  readonly members: readonly GroupProviderRow[];
  readonly apiKeys: readonly ApiKeyRow[];
}

export interface ImportInput {
  readonly providers: readonly ProviderEntry[];
  /** Absent for a providers-only (CSV) import: groups are then neither replaced nor pruned. */
  readonly groups?: readonly GroupEntry[];
  readonly apiKeys?: readonly ApiKeyEntry[];
  /** The tenant's quota (applied by the config service, not the plan); absent = left as it is. */
  readonly tenantQuota?: QuotaSpec | null;
}

export interface PlanOptions {
  readonly prune: boolean;
  /** Whether a stored credential equals `plaintext` (decides "unchanged" for exported secrets). */
  readonly sameCredential: (row: ProviderRow, plaintext: string) => boolean;
  /** Path prefix of the i-th provider entry (`providers[3]`, or `line 5` for CSV). */
  readonly providerPath?: (index: number) => string;
}

export interface ImportPlan {
  readonly issues: Issue[];
  readonly diff: ImportDiff;
  readonly createProviders: ProviderEntry[];
  readonly updateProviders: { row: ProviderRow; entry: ProviderEntry }[];
  readonly createGroups: GroupEntry[];
  readonly updateGroups: { row: GroupRow; entry: GroupEntry }[];
  readonly updateApiKeys: { row: ApiKeyRow; entry: ApiKeyEntry }[];
  readonly deleteProviders: ProviderRow[];
  readonly deleteGroups: GroupRow[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** A plain object with its keys sorted (jsonb hands objects back in its own key order). */
const canonical = (value: unknown): unknown =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : value;

/**
 * Groups `items` by `keyOf` (one pass), so lookups by a non-unique field are O(1); pauses every
 * ROWS_PER_STEP items (50,000 keys were one 100-500 ms stretch per index built at once).
 */
function* groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Generator<void, Map<K, T[]>, void> {
  const out = new Map<K, T[]>();
  for (let i = 0; i < items.length; i++) {
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    const item = items[i]!;
    const key = keyOf(item);
    const list = out.get(key);
    if (list === undefined) out.set(key, [item]);
    else list.push(item);
  }
  return out;
}

/** A Map of `items` by a unique key, pausing every ROWS_PER_STEP items. */
function* indexBy<T, K, V>(
  items: readonly T[],
  entryOf: (item: T) => [K, V],
): Generator<void, Map<K, V>, void> {
  const out = new Map<K, V>();
  for (let i = 0; i < items.length; i++) {
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    const [key, value] = entryOf(items[i]!);
    out.set(key, value);
  }
  return out;
}
const sortedEntries = (record: Record<string, string>) =>
  Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Entries planned between two pauses of planImportSteps. */
const ENTRIES_PER_STEP = 500;
/** Rows indexed between two pauses (a map insert is far cheaper than planning an entry). */
const ROWS_PER_STEP = 2_000;

/** Computes the plan at once; `issues` non-empty means nothing may be applied. */
export function planImport(current: CurrentConfig, input: ImportInput, options: PlanOptions): ImportPlan {
  const steps = planImportSteps(current, input, options);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * The same plan, computed in steps: the generator pauses every few hundred entries so a caller on a
 * server can give the event loop a turn between them (a 50,000-key document is otherwise one long
 * synchronous stretch). Pure: what a pause means is the caller's business.
 */
export function* planImportSteps(
  current: CurrentConfig,
  input: ImportInput,
  options: PlanOptions,
): Generator<void, ImportPlan, void> {
  const issues: Issue[] = [];
  const providerPath = options.providerPath ?? ((i: number) => `providers[${i}]`);
  const fullImport = input.groups !== undefined;
  const plan: ImportPlan = {
    issues,
    diff: {
      providers: { created: [], updated: [], unchanged: [], deleted: [] },
      groups: { created: [], updated: [], unchanged: [], deleted: [] },
      apiKeys: { updated: [], unchanged: [], skipped: [] },
    },
    createProviders: [],
    updateProviders: [],
    createGroups: [],
    updateGroups: [],
    updateApiKeys: [],
    deleteProviders: [],
    deleteGroups: [],
  };

  // --- providers, matched by name
  const providersByName = yield* indexBy(current.providers, (p) => [p.name, p]);
  const importedProviders = new Map<string, number>();
  for (let i = 0; i < input.providers.length; i++) {
    if (i % ENTRIES_PER_STEP === ENTRIES_PER_STEP - 1) yield;
    const entry = input.providers[i]!;
    const first = importedProviders.get(entry.name);
    if (first !== undefined) {
      issues.push({
        path: `${providerPath(i)}.name`,
        message: `duplicate provider name "${entry.name}" (first at ${providerPath(first)})`,
      });
      continue;
    }
    importedProviders.set(entry.name, i);
    const row = providersByName.get(entry.name);
    if (!row) {
      plan.createProviders.push(entry);
      plan.diff.providers.created.push(entry.name);
    } else if (providerChanged(row, entry, options)) {
      plan.updateProviders.push({ row, entry });
      plan.diff.providers.updated.push(entry.name);
    } else {
      plan.diff.providers.unchanged.push(entry.name);
    }
  }
  if (options.prune) {
    for (const row of current.providers) {
      if (!importedProviders.has(row.name)) plan.deleteProviders.push(row);
    }
  }

  const providerNameById = yield* indexBy(current.providers, (p) => [p.id, p.name]);
  const groupById = new Map(current.groups.map((g) => [g.id, g]));
  if (!fullImport) {
    // Providers-only imports leave memberships alone, so a pruned provider must not be in any group.
    const membersByProvider = yield* groupBy(current.members, (m) => m.providerId);
    for (const row of plan.deleteProviders) {
      const slugs = (membersByProvider.get(row.id) ?? []).map(
        (m) => groupById.get(m.groupId)?.slug ?? m.groupId,
      );
      if (slugs.length > 0) {
        issues.push({
          path: "prune",
          message: `provider "${row.name}" would be pruned but is a member of group(s) ${slugs.join(", ")}`,
        });
      }
    }
    plan.diff.providers.deleted.push(...plan.deleteProviders.map((p) => p.name));
    return plan;
  }
  plan.diff.providers.deleted.push(...plan.deleteProviders.map((p) => p.name));

  // --- groups, matched by slug; memberships name providers that exist after the import
  const survivingProvider = (name: string) =>
    importedProviders.has(name) || (!options.prune && providersByName.has(name));
  const groupsBySlug = new Map(current.groups.map((g) => [g.slug, g]));
  const importedGroups = new Map<string, number>();
  const membersByGroup = yield* groupBy(current.members, (m) => m.groupId);
  (input.groups ?? []).forEach((entry, i) => {
    const first = importedGroups.get(entry.slug);
    if (first !== undefined) {
      issues.push({
        path: `groups[${i}].slug`,
        message: `duplicate group slug "${entry.slug}" (first at groups[${first}])`,
      });
      return;
    }
    importedGroups.set(entry.slug, i);
    const seen = new Set<string>();
    entry.providers.forEach((member, j) => {
      const path = `groups[${i}].providers[${j}].provider`;
      if (!survivingProvider(member.provider)) {
        issues.push({ path, message: `unknown provider "${member.provider}"` });
      } else if (seen.has(member.provider)) {
        issues.push({ path, message: `provider "${member.provider}" is listed twice in this group` });
      }
      seen.add(member.provider);
    });
    const row = groupsBySlug.get(entry.slug);
    if (!row) {
      plan.createGroups.push(entry);
      plan.diff.groups.created.push(entry.slug);
    } else if (groupChanged(row, entry, membersByGroup.get(row.id) ?? [], providerNameById)) {
      plan.updateGroups.push({ row, entry });
      plan.diff.groups.updated.push(entry.slug);
    } else {
      plan.diff.groups.unchanged.push(entry.slug);
    }
  });
  if (options.prune) {
    for (const row of current.groups) {
      if (!importedGroups.has(row.slug)) plan.deleteGroups.push(row);
    }
  }
  plan.diff.groups.deleted.push(...plan.deleteGroups.map((g) => g.slug));

  yield* planApiKeys(current, input.apiKeys ?? [], plan, {
    groupExists: (slug) => importedGroups.has(slug) || (!options.prune && groupsBySlug.has(slug)),
    groupSlugById: (id) => groupById.get(id)?.slug ?? null,
  });
  return plan;
}

function providerChanged(row: ProviderRow, entry: ProviderEntry, options: PlanOptions): boolean {
  const fieldsDiffer =
    row.baseUrl !== entry.baseUrl ||
    row.authStyle !== entry.authStyle ||
    row.weight !== entry.weight ||
    row.enabled !== entry.enabled ||
    row.healthCheckPath !== entry.healthCheckPath ||
    row.rateLimitPerMinute !== entry.rateLimitPerMinute ||
    row.maxConcurrency !== entry.maxConcurrency ||
    row.description !== entry.description ||
    !same(row.models, entry.models) ||
    !same(sortedEntries(row.headers), sortedEntries(entry.headers));
  if (fieldsDiffer) return true;
  if (entry.apiKey === undefined) return false;
  if (entry.apiKey === null) return row.apiKeyCipher !== null;
  return row.apiKeyCipher === null || !options.sameCredential(row, entry.apiKey);
}

interface MemberFields {
  priority: number;
  weight: number | null;
  enabled: boolean;
  models: readonly string[];
  modelMap: Readonly<Record<string, string>>;
}

function memberSignature(name: string, m: MemberFields): string {
  return JSON.stringify([name, m.priority, m.weight, m.enabled, m.models, sortedEntries(m.modelMap)]);
}

/** `members` are the stored members of this group. */
function groupChanged(
  row: GroupRow,
  entry: GroupEntry,
  members: readonly GroupProviderRow[],
  providerNameById: ReadonlyMap<string, string>,
): boolean {
  const { providers: entryMembers, slug: _slug, ...fields } = entry;
  for (const [key, value] of Object.entries(fields)) {
    if (!same(canonical(row[key as keyof typeof fields]), canonical(value))) return true;
  }
  const stored = members
    .map((m) => memberSignature(providerNameById.get(m.providerId) ?? m.providerId, m))
    .sort();
  const wanted = entryMembers.map((m) => memberSignature(m.provider, m)).sort();
  return !same(stored, wanted);
}

interface KeyLookups {
  groupExists(slug: string): boolean;
  groupSlugById(id: string): string | null;
}

function* planApiKeys(
  current: CurrentConfig,
  entries: readonly ApiKeyEntry[],
  plan: ImportPlan,
  lookups: KeyLookups,
): Generator<void, void, void> {
  const byId = yield* indexBy(current.apiKeys, (k) => [k.id, k]);
  const byName = yield* groupBy(current.apiKeys, (k) => k.name);
  const claimed = new Map<string, number>();
  // Final group slug of every key after the import, to refuse pruning a group keys still use.
  const finalGroup = yield* indexBy(current.apiKeys, (k): [string, string | null] => [
    k.id,
    k.groupId && lookups.groupSlugById(k.groupId),
  ]);
  for (let i = 0; i < entries.length; i++) {
    if (i % ENTRIES_PER_STEP === ENTRIES_PER_STEP - 1) yield;
    const entry = entries[i]!;
    if (entry.group !== null && !lookups.groupExists(entry.group)) {
      plan.issues.push({ path: `apiKeys[${i}].group`, message: `unknown group "${entry.group}"` });
    }
    let row = entry.id ? byId.get(entry.id) : undefined;
    if (!row) {
      const named = byName.get(entry.name) ?? [];
      if (named.length > 1) {
        plan.issues.push({
          path: `apiKeys[${i}].name`,
          message: `${named.length} existing API keys are named "${entry.name}"; add the key's id to choose one`,
        });
        continue;
      }
      row = named[0];
    }
    if (!row) {
      plan.diff.apiKeys.skipped.push(entry.name);
      continue;
    }
    const first = claimed.get(row.id);
    if (first !== undefined) {
      plan.issues.push({
        path: `apiKeys[${i}]`,
        message: `matches the same API key as apiKeys[${first}]`,
      });
      continue;
    }
    claimed.set(row.id, i);
    finalGroup.set(row.id, entry.group);
    const changed =
      row.name !== entry.name ||
      (row.groupId === null ? null : lookups.groupSlugById(row.groupId)) !== entry.group ||
      row.rateLimitPerMinute !== entry.rateLimitPerMinute ||
      row.maxConcurrency !== entry.maxConcurrency ||
      (row.expiresAt?.getTime() ?? null) !==
        (entry.expiresAt === null ? null : Date.parse(entry.expiresAt)) ||
      row.enabled !== entry.enabled ||
      row.note !== entry.note ||
      !same(row.allowedModels, entry.allowedModels) ||
      (entry.capture !== undefined && row.capture !== entry.capture) ||
      (entry.quota !== undefined && !sameQuotaSpec(row.quota, entry.quota));
    if (changed) {
      plan.updateApiKeys.push({ row, entry });
      plan.diff.apiKeys.updated.push(entry.name);
    } else {
      plan.diff.apiKeys.unchanged.push(entry.name);
    }
  }
  const holdersBySlug = yield* groupBy(current.apiKeys, (k) => finalGroup.get(k.id) ?? null);
  for (const group of plan.deleteGroups) {
    const holders = (holdersBySlug.get(group.slug) ?? []).map((k) => k.name);
    if (holders.length > 0) {
      plan.issues.push({
        path: "prune",
        message: `group "${group.slug}" would be pruned but API key(s) ${holders.join(", ")} are scoped to it`,
      });
    }
  }
}
