"use client";

import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { cn } from "@/components/ui/cn";
import { useT } from "@/i18n/i18n-provider";
import type { Group } from "@/contracts/groups";
import { RANGE_PRESETS, toLocalInput, type RangePreset, type TimeRange } from "./time-range";

const ALL = "__all__";

/** Preset tabs (1 h, 24 h, 7 d, custom) with from/to inputs for the custom range. */
export function RangePicker({ value, onChange }: { value: TimeRange; onChange: (next: TimeRange) => void }) {
  const t = useT();
  function choose(preset: string) {
    const next = preset as RangePreset;
    if (next === "custom" && !value.customFrom) {
      const now = Date.now();
      onChange({ preset: next, customFrom: toLocalInput(now - 6 * 3_600_000), customTo: toLocalInput(now) });
    } else onChange({ ...value, preset: next });
  }
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Segmented
        label={t("observe.range")}
        options={RANGE_PRESETS.map((preset) => ({ value: preset, label: t(`observe.range_${preset}`) }))}
        value={value.preset}
        onChange={choose}
      />
      {value.preset === "custom" && (
        <div className="flex flex-wrap items-center gap-2">
          <Input
            type="datetime-local"
            aria-label={t("observe.from")}
            className="h-9 w-auto"
            value={value.customFrom}
            onChange={(event) => onChange({ ...value, customFrom: event.target.value })}
          />
          <span className="text-sm text-muted-foreground" aria-hidden>
            →
          </span>
          <Input
            type="datetime-local"
            aria-label={t("observe.to")}
            className="h-9 w-auto"
            value={value.customTo}
            onChange={(event) => onChange({ ...value, customTo: event.target.value })}
          />
        </div>
      )}
    </div>
  );
}

/** "All groups" or one group. */
export function GroupFilter({
  groups,
  value,
  onChange,
}: {
  groups: Group[] | undefined;
  value: string;
  onChange: (groupId: string) => void;
}) {
  const t = useT();
  return (
    <Select value={value || ALL} onValueChange={(next) => onChange(next === ALL ? "" : next)}>
      <SelectTrigger className="h-9 w-full sm:w-48" aria-label={t("observe.group")}>
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        <SelectItem value={ALL}>{t("observe.allGroups")}</SelectItem>
        {(groups ?? []).map((group) => (
          <SelectItem key={group.id} value={group.id}>
            {group.name}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

/** A row of toggle buttons, one pressed (a lighter-weight tab bar without panels). */
function Segmented<V extends string>({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: { value: V; label: string }[];
  value: V;
  onChange: (value: V) => void;
}) {
  return (
    <div role="group" aria-label={label} className="inline-flex h-9 items-center rounded-lg bg-muted p-[3px]">
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          aria-pressed={option.value === value}
          onClick={() => onChange(option.value)}
          className={cn(
            "h-full rounded-md px-3 text-sm font-medium text-foreground transition-colors outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 dark:text-muted-foreground",
            option.value === value && "bg-background shadow-sm dark:bg-input/30 dark:text-foreground",
          )}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}
