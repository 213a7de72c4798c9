import { z } from "zod";
import { checkGroupTimeouts, groupCreateShape, type Group, type GroupUpdateInput } from "@/contracts/groups";
import { STRATEGY_NAMES, type StrategyName } from "@/core/vocabulary/balancing";
import type { Translate } from "@/i18n/types";
import { localizeCommonIssue } from "../forms/localize-issue";
import type { FormIssue } from "../forms/zod-form-resolver";

// Keyed by the strategy's name, so a strategy without both messages does not compile.
/** The message key of a strategy's name. */
export function strategyLabelKey(name: StrategyName): `groups.strategy_${StrategyName}` {
  return `groups.strategy_${name}`;
}

/** The message key of a strategy's one-line explanation. */
export function strategyHintKey(name: StrategyName): `groups.strategyHint_${StrategyName}` {
  return `groups.strategyHint_${name}`;
}

/** The strategy select's choices, in registry order, labelled in the reader's language. */
export function listStrategyOptions(t: Translate): { value: StrategyName; label: string }[] {
  return STRATEGY_NAMES.map((name) => ({ value: name, label: t(strategyLabelKey(name)) }));
}

/** A slug suggestion from a display name: lower-case ASCII letters and digits joined by dashes. */
export function slugFromName(name: string): string {
  return name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
}

/**
 * Parses "429, 500 502" into sorted unique status codes; null when any entry is not a code from
 * 100 to 599 (the empty string is a valid empty list: never retry on a status).
 */
export function parseStatusList(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const codes: number[] = [];
  for (const part of parts) {
    if (!/^\d{3}$/.test(part)) return null;
    const code = Number(part);
    if (code < 100 || code > 599) return null;
    codes.push(code);
  }
  return [...new Set(codes)].sort((a, b) => a - b);
}

/** A duration in ms as "1.5 s", "2 min", "1 h 30 min" for hints next to ms inputs. */
export function humanizeMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const minutes = ms / 60_000;
  if (minutes < 60) return `${Number(minutes.toFixed(1))} min`;
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes - hours * 60);
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

const shape = groupCreateShape;

/** The create-group dialog's values. */
export interface GroupCreateValues {
  name: string;
  slug: string;
  strategy: StrategyName;
  description: string;
}

/** The create-group dialog's schema (the contract's rules for these fields). */
export const groupCreateFormSchema = z.object({
  name: shape.name,
  slug: shape.slug,
  strategy: z.enum(STRATEGY_NAMES),
  description: z.string().max(2000),
});

/** The routing settings form's values: numbers as typed, statuses as text. */
export interface GroupSettingsValues {
  name: string;
  slug: string;
  description: string;
  strategy: StrategyName;
  maxAttempts: number;
  retryOn: string;
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  totalTimeoutMs: number;
}

const timeout = (max: number) => z.int().min(100).max(max);

/** The routing settings form's schema, with the contract's ranges and the timeout cross-checks. */
export const groupSettingsSchema = z
  .object({
    name: shape.name,
    slug: shape.slug,
    description: z.string().max(2000),
    strategy: z.enum(STRATEGY_NAMES),
    maxAttempts: z.int().min(1).max(10),
    retryOn: z.string().refine((text) => parseStatusList(text) !== null, { params: { rule: "statuses" } }),
    connectTimeoutMs: timeout(600_000),
    firstByteTimeoutMs: timeout(3_600_000),
    idleTimeoutMs: timeout(3_600_000),
    totalTimeoutMs: timeout(86_400_000),
  })
  .superRefine((values, ctx) => {
    for (const issue of checkGroupTimeouts(values)) {
      ctx.addIssue({
        code: "custom",
        path: [issue.path],
        message: issue.message,
        params: { rule: "timeouts" },
      });
    }
  });

/** Form values showing a group's current settings. */
export function groupToSettingsValues(group: Group): GroupSettingsValues {
  return {
    name: group.name,
    slug: group.slug,
    description: group.description,
    strategy: group.strategy,
    maxAttempts: group.maxAttempts,
    retryOn: group.retryOn.join(", "),
    connectTimeoutMs: group.connectTimeoutMs,
    firstByteTimeoutMs: group.firstByteTimeoutMs,
    idleTimeoutMs: group.idleTimeoutMs,
    totalTimeoutMs: group.totalTimeoutMs,
  };
}

/** The PUT body for the settings form: only what changed, so the audit log shows the real edit. */
export function settingsToUpdate(values: GroupSettingsValues, group: Group): GroupUpdateInput {
  const update: GroupUpdateInput = {};
  const name = values.name.trim();
  if (name !== group.name) update.name = name;
  if (values.slug !== group.slug) update.slug = values.slug;
  if (values.description !== group.description) update.description = values.description;
  if (values.strategy !== group.strategy) update.strategy = values.strategy;
  if (values.maxAttempts !== group.maxAttempts) update.maxAttempts = values.maxAttempts;
  const retryOn = parseStatusList(values.retryOn) ?? group.retryOn;
  if (retryOn.join() !== group.retryOn.join()) update.retryOn = retryOn;
  for (const key of ["connectTimeoutMs", "firstByteTimeoutMs", "idleTimeoutMs", "totalTimeoutMs"] as const) {
    if (values[key] !== group[key]) update[key] = values[key];
  }
  return update;
}

/** The message under a group field, in the reader's language where the rule is known. */
export function localizeGroupIssue(t: Translate, issue: FormIssue): string | undefined {
  if (issue.code === "custom") {
    const params = (issue.params ?? {}) as { rule?: string };
    if (params.rule === "statuses") return t("groups.invalidStatuses");
    if (params.rule === "timeouts") return t("groups.timeoutOrder");
  }
  if (issue.path[0] === "slug" && issue.code === "invalid_format") return t("groups.fieldSlugHint");
  return localizeCommonIssue(t, issue);
}
