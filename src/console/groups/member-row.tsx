"use client";

import { useState, type CSSProperties, type KeyboardEvent } from "react";
import { useSortable } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { GripVerticalIcon, PencilIcon, Trash2Icon } from "lucide-react";
import type { Member } from "@/contracts/groups";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Switch } from "@/components/ui/switch";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { cn } from "@/components/ui/cn";
import { useI18n } from "@/i18n/i18n-provider";
import type { MemberShare } from "./traffic-share";

export interface MemberRowProps {
  member: Member;
  share: MemberShare;
  /** 1-based tier number (position of the member's priority among the distinct priorities). */
  tier: number;
  /** The provider's own weight, shown when the membership has no override. */
  providerWeight: number | undefined;
  canEdit: boolean;
  busy: boolean;
  onChange: (change: { priority?: number; weight?: number | null; enabled?: boolean }) => void;
  onEdit: () => void;
  onRemove: () => void;
}

/** One member of a group: drag handle, tier, priority and weight (editable inline), share, switch. */
export function MemberRow({
  member,
  share,
  tier,
  providerWeight,
  canEdit,
  busy,
  onChange,
  onEdit,
  onRemove,
}: MemberRowProps) {
  const { t, locale } = useI18n();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: member.providerId,
    disabled: !canEdit,
  });
  const style: CSSProperties = { transform: CSS.Translate.toString(transform), transition };
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(
    share.share,
  );
  const name = member.providerName;

  return (
    <li
      ref={setNodeRef}
      style={style}
      data-testid="member-row"
      data-provider={name}
      className={cn(
        "grid grid-cols-[auto_1fr_auto] items-center gap-x-3 gap-y-2 border-b bg-card px-3 py-3 last:border-b-0 sm:grid-cols-[auto_minmax(0,1fr)_5rem_6.5rem_9rem_auto_auto] sm:px-4",
        isDragging && "relative z-10 rounded-md shadow-lg ring-1 ring-border",
      )}
    >
      <div className="flex items-center gap-2">
        {canEdit ? (
          <button
            type="button"
            className="flex size-7 cursor-grab touch-none items-center justify-center rounded-md text-muted-foreground outline-none hover:bg-accent hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 active:cursor-grabbing"
            aria-label={t("groups.dragHandle", { name })}
            {...attributes}
            {...listeners}
          >
            <GripVerticalIcon className="size-4" aria-hidden />
          </button>
        ) : null}
        <Tooltip>
          <TooltipTrigger asChild>
            <span
              className={cn(
                "flex h-6 min-w-6 items-center justify-center rounded-full px-1.5 text-xs font-semibold tabular-nums",
                share.role === "active"
                  ? "bg-primary/15 text-primary dark:text-indigo-200"
                  : "bg-muted text-muted-foreground",
              )}
              aria-label={t("groups.tier", { n: tier })}
              tabIndex={0}
            >
              {tier}
            </span>
          </TooltipTrigger>
          <TooltipContent>
            {t("groups.tier", { n: tier })} · {t("groups.tierHint", { priority: member.priority })}
          </TooltipContent>
        </Tooltip>
      </div>

      <div className="min-w-0">
        <p className="truncate font-medium">{name}</p>
        <div className="flex flex-wrap gap-1">
          {!member.providerEnabled && (
            <Badge variant="warning" className="mt-0.5">
              {t("groups.providerDisabled")}
            </Badge>
          )}
          <ModelBadges member={member} />
        </div>
      </div>

      <div className="col-start-3 row-start-1 flex items-center justify-end gap-2 sm:col-start-auto sm:row-start-auto sm:hidden">
        <ShareCell share={share} percent={percent} />
      </div>

      <div className="col-span-3 grid grid-cols-[5rem_6.5rem_1fr_auto_auto] items-center gap-3 sm:contents">
        <NumberCell
          value={member.priority}
          min={0}
          label={t("groups.priorityLabel", { name })}
          disabled={!canEdit || busy}
          onCommit={(value) => value !== null && value !== member.priority && onChange({ priority: value })}
        />
        <NumberCell
          value={member.weight}
          min={0}
          allowEmpty
          placeholder={providerWeight === undefined ? "" : String(providerWeight)}
          title={
            providerWeight === undefined ? undefined : t("groups.weightInherited", { weight: providerWeight })
          }
          label={t("groups.weightLabel", { name })}
          disabled={!canEdit || busy}
          onCommit={(value) => value !== member.weight && onChange({ weight: value })}
        />
        <div className="hidden sm:block">
          <ShareCell share={share} percent={percent} />
        </div>
        <span className="sm:hidden" />
        <Switch
          checked={member.enabled}
          disabled={!canEdit || busy}
          onCheckedChange={(enabled) => onChange({ enabled })}
          aria-label={t("groups.memberToggleLabel", { name })}
        />
        {canEdit ? (
          <div className="flex items-center gap-1">
            <Button
              variant="ghost"
              size="icon-sm"
              onClick={onEdit}
              disabled={busy}
              aria-label={t("groups.editMember", { name })}
            >
              <PencilIcon />
            </Button>
            <Button
              variant="ghost"
              size="icon-sm"
              onClick={onRemove}
              disabled={busy}
              aria-label={t("groups.removeMember", { name })}
            >
              <Trash2Icon />
            </Button>
          </div>
        ) : (
          <span />
        )}
      </div>
    </li>
  );
}

/** What the membership routes: its model list (or the provider's) and its aliases, in short. */
function ModelBadges({ member }: { member: Member }) {
  const { t } = useI18n();
  const models = member.models.length > 0 ? member.models : member.providerModels;
  const aliases = Object.entries(member.modelMap);
  return (
    <>
      {models.length > 0 && (
        <Badge
          variant="secondary"
          className="mt-0.5 font-mono"
          title={models.join("\n")}
          data-testid="member-models"
        >
          {models.length === 1 ? models[0] : t("groups.modelCount", { count: models.length })}
        </Badge>
      )}
      {aliases.length > 0 && (
        <Badge
          variant="outline"
          className="mt-0.5 font-mono"
          title={aliases.map(([from, to]) => `${from} → ${to}`).join("\n")}
          data-testid="member-aliases"
        >
          {t("groups.aliasCount", { count: aliases.length })}
        </Badge>
      )}
    </>
  );
}

function ShareCell({ share, percent }: { share: MemberShare; percent: string }) {
  const { t } = useI18n();
  if (share.role === "active") {
    return (
      <div className="flex w-full items-center gap-2" data-testid="member-share">
        <div className="hidden h-1.5 flex-1 overflow-hidden rounded-full bg-muted sm:block" aria-hidden>
          <div
            className="h-full rounded-full bg-primary transition-[width]"
            style={{ width: `${share.share * 100}%` }}
          />
        </div>
        <span className="w-12 text-right text-sm font-medium tabular-nums">
          {t("groups.shareActive", { percent })}
        </span>
      </div>
    );
  }
  const label =
    share.role === "standby"
      ? "groups.shareStandby"
      : share.role === "failover"
        ? "groups.shareFailover"
        : "groups.shareOff";
  const hint =
    share.role === "standby"
      ? "groups.shareStandbyHint"
      : share.role === "failover"
        ? "groups.shareFailoverHint"
        : "groups.shareOffHint";
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <Badge
          variant={share.role === "off" ? "outline" : "secondary"}
          tabIndex={0}
          data-testid="member-share"
        >
          {t(label)}
        </Badge>
      </TooltipTrigger>
      <TooltipContent className="max-w-60">{t(hint)}</TooltipContent>
    </Tooltip>
  );
}

/** A small number input that saves on Enter or blur and reverts on Escape. */
function NumberCell({
  value,
  min,
  allowEmpty = false,
  placeholder,
  title,
  label,
  disabled,
  onCommit,
}: {
  value: number | null;
  min: number;
  allowEmpty?: boolean;
  placeholder?: string;
  title?: string;
  label: string;
  disabled: boolean;
  onCommit: (value: number | null) => void;
}) {
  const shown = value === null ? "" : String(value);
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? shown;

  function commit() {
    if (draft === null) return;
    setDraft(null);
    const trimmed = draft.trim();
    if (trimmed === "") {
      if (allowEmpty) onCommit(null);
      return;
    }
    const parsed = Number(trimmed);
    if (!Number.isInteger(parsed) || parsed < min || parsed > 1_000_000) return;
    onCommit(parsed);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter") {
      event.preventDefault();
      commit();
    } else if (event.key === "Escape") {
      setDraft(null);
    }
  }

  return (
    <Input
      type="number"
      inputMode="numeric"
      min={min}
      step={1}
      value={text}
      placeholder={placeholder}
      aria-label={label}
      title={title}
      disabled={disabled}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={commit}
      onKeyDown={onKeyDown}
      className="h-8 tabular-nums"
    />
  );
}
