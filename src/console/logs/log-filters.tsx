"use client";

import { useState, type FormEvent } from "react";
import { RefreshCwIcon } from "lucide-react";
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

export interface LogFilterValues {
  range: TimeRange;
  groupId: string;
  providerId: string;
  statusClass: string;
  errorCode: string;
  model: string;
  /** "", "true" or "false". */
  streamed: string;
}

export const NO_FILTERS: LogFilterValues = {
  range: { preset: "24h", customFrom: "", customTo: "" },
  groupId: "",
  providerId: "",
  statusClass: "",
  errorCode: "",
  model: "",
  streamed: "",
};

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
    statusClass: filters.statusClass || undefined,
    errorCode: filters.errorCode.trim().toUpperCase() || undefined,
    model: filters.model.trim() || undefined,
    streamed: filters.streamed || undefined,
  };
}

/** The filter bar: range, group, provider, status class, streamed, and error code / model (applied on Enter). */
export function LogFilters({
  value,
  onChange,
  groups,
  providers,
  onRefresh,
  refreshing,
}: {
  value: LogFilterValues;
  onChange: (next: LogFilterValues) => void;
  groups: Group[] | undefined;
  providers: Provider[] | undefined;
  onRefresh: () => void;
  refreshing: boolean;
}) {
  const t = useT();
  const [text, setText] = useState({ errorCode: value.errorCode, model: value.model });
  const [applied, setApplied] = useState(value);
  // Clearing the filters from outside resets the text fields too.
  if (applied !== value) {
    setApplied(value);
    setText({ errorCode: value.errorCode, model: value.model });
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
        <Input
          className="h-9 sm:w-44"
          aria-label={t("logs.errorCode")}
          placeholder={t("logs.errorCodePlaceholder")}
          value={text.errorCode}
          onChange={(event) => setText({ ...text, errorCode: event.target.value })}
          onBlur={() => text.errorCode !== value.errorCode && set(text)}
        />
        <Input
          className="h-9 sm:w-44"
          aria-label={t("logs.model")}
          placeholder={t("logs.modelPlaceholder")}
          value={text.model}
          onChange={(event) => setText({ ...text, model: event.target.value })}
          onBlur={() => text.model !== value.model && set(text)}
        />
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
