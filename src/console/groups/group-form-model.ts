import { z } from "zod";
import {
  CAPTURE_MAX_BYTES_LIMIT,
  checkGroupTimeouts,
  groupCreateShape,
  type Group,
  type GroupUpdateInput,
} from "@/contracts/groups";
import { affinitySchema, headerNameSchema, type Affinity } from "@/contracts/models";
import { STRATEGY_NAMES, type StrategyName } from "@/core/vocabulary/balancing";
import { CAPTURE_MODES, type CaptureMode } from "@/core/vocabulary/capture";
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
  /** Requests per minute for the whole group, as typed; empty = no limit. */
  rateLimitPerMinute: string;
  capture: CaptureMode;
  /** Share of requests captured in `all` mode, in percent as typed (the API takes 0–1). */
  captureSamplePercent: string;
  /** Largest captured body per direction, in KiB as typed. */
  captureMaxKib: string;
  affinityEnabled: boolean;
  /** Header carrying the session id; empty = the default (x-session-id). */
  affinityHeader: string;
  /** Sliding stickiness in seconds as typed; empty = the default (300). */
  affinityTtlSeconds: string;
  /** ip_hash only: the header whose value is hashed instead of the client address; empty = the address. */
  hashHeader: string;
}

/** A whole number typed as text within [min, max]; empty allowed when `optional`. */
function wholeText(min: number, max: number, optional: boolean) {
  return z.string().refine(
    (text) => {
      const trimmed = text.trim();
      if (trimmed === "") return optional;
      return /^\d{1,12}$/.test(trimmed) && Number(trimmed) >= min && Number(trimmed) <= max;
    },
    { params: { rule: "range", min, max } },
  );
}

/** The KiB bounds of the capture size, from the contract's byte bounds. */
export const CAPTURE_KIB = { min: 1, max: CAPTURE_MAX_BYTES_LIMIT / 1024 } as const;

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
    rateLimitPerMinute: wholeText(1, 10_000_000, true),
    capture: z.enum(CAPTURE_MODES),
    captureSamplePercent: z.string().refine(
      (text) => {
        const trimmed = text.trim();
        return /^\d{1,3}(\.\d{1,4})?$/.test(trimmed) && Number(trimmed) <= 100;
      },
      { params: { rule: "range", min: 0, max: 100 } },
    ),
    captureMaxKib: wholeText(CAPTURE_KIB.min, CAPTURE_KIB.max, false),
    affinityEnabled: z.boolean(),
    affinityHeader: z.string(),
    affinityTtlSeconds: wholeText(10, 86_400, true),
    hashHeader: z.string(),
  })
  .superRefine((values, ctx) => {
    for (const field of ["affinityHeader", "hashHeader"] as const) {
      const header = values[field].trim();
      if (header !== "" && !affinitySchema.shape.header.safeParse(header).success) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: "must be a valid HTTP header name",
          params: { rule: "header" },
        });
      }
    }
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
    rateLimitPerMinute: group.rateLimitPerMinute === null ? "" : String(group.rateLimitPerMinute),
    capture: group.capture,
    captureSamplePercent: String(Number((group.captureSampleRate * 100).toFixed(4))),
    captureMaxKib: String(Math.max(CAPTURE_KIB.min, Math.round(group.captureMaxBytes / 1024))),
    affinityEnabled: group.affinity.enabled,
    affinityHeader: group.affinity.header ?? "",
    affinityTtlSeconds: group.affinity.ttlSeconds === undefined ? "" : String(group.affinity.ttlSeconds),
    hashHeader: group.hashHeader ?? "",
  };
}

/** The affinity object the form describes (empty fields left out: the gateway's defaults apply). */
export function affinityFromValues(values: GroupSettingsValues): Affinity {
  const header = values.affinityHeader.trim().toLowerCase();
  const ttl = values.affinityTtlSeconds.trim();
  return {
    enabled: values.affinityEnabled,
    ...(header === "" ? {} : { header }),
    ...(ttl === "" ? {} : { ttlSeconds: Number(ttl) }),
  };
}

function sameAffinity(a: Affinity, b: Affinity): boolean {
  return a.enabled === b.enabled && a.header === b.header && a.ttlSeconds === b.ttlSeconds;
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
  const rate = values.rateLimitPerMinute.trim() === "" ? null : Number(values.rateLimitPerMinute.trim());
  if (rate !== group.rateLimitPerMinute) update.rateLimitPerMinute = rate;
  if (values.capture !== group.capture) update.capture = values.capture;
  const sampleRate = Number((Number(values.captureSamplePercent.trim()) / 100).toFixed(6));
  if (sampleRate !== group.captureSampleRate) update.captureSampleRate = sampleRate;
  // Compared in KiB, so an untouched odd byte size is not rounded on every save.
  const kib = Number(values.captureMaxKib.trim());
  if (kib !== Math.max(CAPTURE_KIB.min, Math.round(group.captureMaxBytes / 1024)))
    update.captureMaxBytes = Math.max(256, kib * 1024);
  const affinity = affinityFromValues(values);
  if (!sameAffinity(affinity, group.affinity)) update.affinity = affinity;
  const hashHeader =
    values.hashHeader.trim() === "" ? null : headerNameSchema.parse(values.hashHeader.trim());
  if (hashHeader !== group.hashHeader) update.hashHeader = hashHeader;
  return update;
}

/** The message under a group field, in the reader's language where the rule is known. */
export function localizeGroupIssue(t: Translate, issue: FormIssue): string | undefined {
  if (issue.code === "custom") {
    const params = (issue.params ?? {}) as { rule?: string };
    if (params.rule === "statuses") return t("groups.invalidStatuses");
    if (params.rule === "timeouts") return t("groups.timeoutOrder");
    if (params.rule === "range") {
      const { min, max } = params as { min?: number; max?: number };
      return t("groups.rangeInvalid", { min: min ?? 0, max: max ?? 0 });
    }
    if (params.rule === "header") return t("validation.headerName");
  }
  if (issue.path[0] === "slug" && issue.code === "invalid_format") return t("groups.fieldSlugHint");
  return localizeCommonIssue(t, issue);
}
