"use client";

import { useState, type FormEvent } from "react";
import { RefreshCwIcon } from "lucide-react";
import type { ApiKey } from "@/contracts/api-keys";
import type { Group } from "@/contracts/groups";
import type { Provider } from "@/contracts/providers";
import { STATUS_CLASSES } from "@/core/vocabulary/status-classes";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { useT } from "@/i18n/i18n-provider";
import { GroupFilter, RangePicker } from "../observability/range-picker";
import type { TimeRange } from "../observability/time-range";

const ANY = "__any__";

/** The filters typed as text, applied on Enter or when the field loses focus. */
const TEXT_FILTERS = ["requestId", "path", "status", "errorCode", "model"] as const;
type TextFilter = (typeof TEXT_FILTERS)[number];

/** "" is the API's default (original requests only). */
const SOURCES = ["replay", "all"] as const;

export interface LogFilterValues extends Record<TextFilter, string> {
  range: TimeRange;
  groupId: string;
  providerId: string;
  keyId: string;
  statusClass: string;
  /** "", "true" or "false". */
  streamed: string;
  /** "" (originals), "replay" or "all". */
  source: string;
}

export const NO_FILTERS: LogFilterValues = {
  range: { preset: "24h", customFrom: "", customTo: "" },
  groupId: "",
  providerId: "",
  keyId: "",
  statusClass: "",
  streamed: "",
  source: "",
  requestId: "",
  path: "",
  status: "",
  errorCode: "",
  model: "",
};

function textOf(value: LogFilterValues): Record<TextFilter, string> {
  return Object.fromEntries(TEXT_FILTERS.map((name) => [name, value[name]])) as Record<TextFilter, string>;
}

/** The list query of a set of filters (a custom range that does not parse is left out). */
export function logFilterQuery(
  filters: LogFilterValues,
  range: { from: number; to: number } | null,
): Record<string, string | number | undefined> {
  return {
    from: range?.from,
    to: filters.range.preset === "custom" ? range?.to : undefined,
    groupId: filters.groupId || undefined,
    providerId: filters.providerId || undefined,
    keyId: filters.keyId || undefined,
    statusClass: filters.statusClass || undefined,
    errorCode: filters.errorCode.trim().toUpperCase() || undefined,
    model: filters.model.trim() || undefined,
    streamed: filters.streamed || undefined,
    source: filters.source || undefined,
    requestId: filters.requestId.trim() || undefined,
    path: filters.path.trim() || undefined,
    // A status that is not a number is left out rather than sent for the API to refuse.
    status: /^\d{1,3}$/.test(filters.status.trim()) ? Number(filters.status.trim()) : undefined,
  };
}

const PLACEHOLDERS = {
  requestId: "logs.requestIdPlaceholder",
  path: "logs.pathPlaceholder",
  status: "logs.statusCodePlaceholder",
  errorCode: "logs.errorCodePlaceholder",
  model: "logs.modelPlaceholder",
} as const;
const LABELS = {
  requestId: "logs.requestId",
  path: "logs.path",
  status: "logs.statusCode",
  errorCode: "logs.errorCode",
  model: "logs.model",
} as const;

/**
 * The filter bar: range; group, provider, key, status class, streamed and source as choices; request
 * id, path, exact status, error code and model as text (applied on Enter or leaving the field).
 */
export function LogFilters({
  value,
  onChange,
  groups,
  providers,
  apiKeys,
  onRefresh,
  refreshing,
}: {
  value: LogFilterValues;
  onChange: (next: LogFilterValues) => void;
  groups: Group[] | undefined;
  providers: Provider[] | undefined;
  apiKeys: ApiKey[] | undefined;
  onRefresh: () => void;
  refreshing: boolean;
}) {
  const t = useT();
  const [text, setText] = useState(() => textOf(value));
  const [applied, setApplied] = useState(value);
  // Clearing the filters from outside resets the text fields too.
  if (applied !== value) {
    setApplied(value);
    setText(textOf(value));
  }
  const set = (patch: Partial<LogFilterValues>) => onChange({ ...value, ...patch });

  function submit(event: FormEvent) {
    event.preventDefault();
    set(text);
  }

  return (
    <form className="flex flex-col gap-2" onSubmit={submit} aria-label={t("logs.filters")}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <RangePicker value={value.range} onChange={(range) => set({ range })} />
        <Button type="button" variant="outline" size="sm" onClick={onRefresh} disabled={refreshing}>
          <RefreshCwIcon className={refreshing ? "animate-spin" : undefined} />
          {t("logs.refresh")}
        </Button>
      </div>
      <div className="grid grid-cols-2 gap-2 sm:flex sm:flex-wrap">
        <GroupFilter groups={groups} value={value.groupId} onChange={(groupId) => set({ groupId })} />
        <Choice
          label={t("logs.provider")}
          value={value.providerId}
          onChange={(providerId) => set({ providerId })}
          anyLabel={t("logs.anyProvider")}
          options={(providers ?? []).map((p) => ({ value: p.id, label: p.name }))}
        />
        <Choice
          label={t("logs.key")}
          value={value.keyId}
          onChange={(keyId) => set({ keyId })}
          anyLabel={t("logs.anyKey")}
          options={(apiKeys ?? []).map((k) => ({ value: k.id, label: k.name }))}
        />
        <Choice
          label={t("logs.status")}
          value={value.statusClass}
          onChange={(statusClass) => set({ statusClass })}
          anyLabel={t("logs.anyStatus")}
          options={STATUS_CLASSES.map((c) => ({ value: c, label: c === "err" ? t("logs.statusErr") : c }))}
        />
        <Choice
          label={t("logs.streamed")}
          value={value.streamed}
          onChange={(streamed) => set({ streamed })}
          anyLabel={t("logs.anyStreamed")}
          options={[
            { value: "true", label: t("logs.streamedOnly") },
            { value: "false", label: t("logs.notStreamed") },
          ]}
        />
        <Choice
          label={t("logs.source")}
          value={value.source}
          onChange={(source) => set({ source })}
          anyLabel={t("logs.source_client")}
          options={SOURCES.map((source) => ({ value: source, label: t(`logs.source_${source}`) }))}
        />
      </div>
      <div className="grid grid-cols-2 gap-2 sm:flex sm:flex-wrap">
        {TEXT_FILTERS.map((name) => (
          <Input
            key={name}
            className={name === "status" ? "h-9 sm:w-28" : "h-9 sm:w-44"}
            aria-label={t(LABELS[name])}
            placeholder={t(PLACEHOLDERS[name])}
            inputMode={name === "status" ? "numeric" : undefined}
            value={text[name]}
            onChange={(event) => setText({ ...text, [name]: event.target.value })}
            onBlur={() => text[name] !== value[name] && set(text)}
          />
        ))}
        <button type="submit" className="sr-only">
          {t("logs.apply")}
        </button>
      </div>
    </form>
  );
}

function Choice({
  label,
  value,
  onChange,
  anyLabel,
  options,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  anyLabel: string;
  options: { value: string; label: string }[];
}) {
  return (
    <Select value={value || ANY} onValueChange={(next) => onChange(next === ANY ? "" : next)}>
      <SelectTrigger className="h-9 w-full sm:w-40" aria-label={label}>
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        <SelectItem value={ANY}>{anyLabel}</SelectItem>
        {options.map((option) => (
          <SelectItem key={option.value} value={option.value}>
            {option.label}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}
