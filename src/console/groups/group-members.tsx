"use client";

import { useMemo, useState } from "react";
import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type DragEndEvent,
  type Modifier,
} from "@dnd-kit/core";
import {
  arrayMove,
  SortableContext,
  sortableKeyboardCoordinates,
  verticalListSortingStrategy,
} from "@dnd-kit/sortable";
import { LoaderCircleIcon, PlusIcon, ServerIcon } from "lucide-react";
import type { GroupDetail, Member } from "@/contracts/groups";
import type { Provider } from "@/contracts/providers";
import { strategyUsesWeights } from "@/core/vocabulary/balancing";
import { Button } from "@/components/ui/button";
import { Card, CardAction, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import { ConfirmDialog } from "../confirm-dialog";
import { describeError } from "../describe-error";
import { useDialogSubject } from "../resource-list/use-dialog-subject";
import { removeMember, reorderMembers, updateMember } from "./group-api";
import { MemberFormDialog } from "./member-form-dialog";
import { MemberRow } from "./member-row";
import { computeTrafficShares, prioritiesForOrder, sortMembers } from "./traffic-share";

// Rows move only up and down (the list is one column).
const verticalOnly: Modifier = ({ transform }) => ({ ...transform, x: 0 });

export interface GroupMembersProps {
  group: GroupDetail;
  providers: Provider[] | undefined;
  canEdit: boolean;
  /** Replaces the shown group (optimistic updates and server answers). */
  onGroupChange: (group: GroupDetail) => void;
}

/** The members card: sortable by drag (mouse, touch or keyboard), inline priority/weight, share. */
export function GroupMembers({ group, providers, canEdit, onGroupChange }: GroupMembersProps) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [adding, setAdding] = useState(false);
  const removing = useDialogSubject<Member>();
  const editing = useDialogSubject<Member>();
  const members = useMemo(() => sortMembers(group.providers), [group.providers]);
  const shares = useMemo(() => computeTrafficShares(members, group.strategy), [members, group.strategy]);
  const tiers = useMemo(() => [...new Set(members.map((m) => m.priority))], [members]);
  const providerWeights = useMemo(() => new Map(providers?.map((p) => [p.id, p.weight])), [providers]);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  async function run(work: () => Promise<GroupDetail | void>, rollback: GroupDetail, success?: string) {
    setBusy(true);
    try {
      const result = await work();
      if (result) onGroupChange(result);
      if (success) toast.success(success);
    } catch (error) {
      onGroupChange(rollback);
      toast.error(describeError(t, error));
    } finally {
      setBusy(false);
    }
  }

  function onDragEnd(event: DragEndEvent) {
    const { active, over } = event;
    if (!over || active.id === over.id) return;
    const from = members.findIndex((m) => m.providerId === active.id);
    const to = members.findIndex((m) => m.providerId === over.id);
    if (from < 0 || to < 0) return;
    const moved = arrayMove(members, from, to);
    const order = prioritiesForOrder(moved, String(active.id));
    const priorities = new Map(order.map((entry) => [entry.providerId, entry.priority]));
    const before = group;
    // Shown at once in the new order; the server's answer replaces it.
    onGroupChange({
      ...group,
      providers: moved.map((m) => ({ ...m, priority: priorities.get(m.providerId) ?? m.priority })),
    });
    void run(() => reorderMembers(group.id, order), before, t("groups.reordered"));
  }

  function change(member: Member, patch: { priority?: number; weight?: number | null; enabled?: boolean }) {
    const before = group;
    const optimistic = group.providers.map((m) =>
      m.providerId === member.providerId
        ? {
            ...m,
            ...patch,
            effectiveWeight:
              patch.weight === undefined
                ? m.effectiveWeight
                : (patch.weight ?? providerWeights.get(m.providerId) ?? m.effectiveWeight),
          }
        : m,
    );
    onGroupChange({ ...group, providers: optimistic });
    void run(
      () => updateMember(group.id, member.providerId, patch),
      before,
      t("groups.memberSaved", { name: member.providerName }),
    );
  }

  const nameOf = (id: string | number) =>
    members.find((m) => m.providerId === id)?.providerName ?? String(id);

  const available = (providers ?? []).filter((p) => !group.providers.some((m) => m.providerId === p.id));
  const addButton = canEdit && (
    <Button variant={members.length === 0 ? "default" : "outline"} size="sm" onClick={() => setAdding(true)}>
      <PlusIcon />
      {t("groups.addMember")}
    </Button>
  );

  return (
    <Card className="gap-0 py-0">
      <CardHeader className="border-b py-4 [.border-b]:pb-4">
        <CardTitle className="flex items-center gap-2">
          {t("groups.membersTitle")}
          {busy && (
            <LoaderCircleIcon
              className="size-4 animate-spin text-muted-foreground"
              aria-label={t("common.saving")}
            />
          )}
        </CardTitle>
        <CardDescription>
          {t("groups.membersDescription")}{" "}
          {strategyUsesWeights(group.strategy)
            ? t("groups.strategyHintWeighted")
            : t("groups.strategyHintEven")}
        </CardDescription>
        {members.length > 0 && <CardAction>{addButton}</CardAction>}
      </CardHeader>
      {members.length === 0 ? (
        <EmptyState
          icon={ServerIcon}
          className="m-4 border-0 py-10"
          title={t("groups.membersEmptyTitle")}
          description={t("groups.membersEmptyText")}
          action={addButton}
        />
      ) : (
        <>
          <div
            className="hidden grid-cols-[auto_minmax(0,1fr)_5rem_6.5rem_9rem_auto_auto] items-center gap-x-3 border-b bg-muted/40 px-4 py-2 text-xs font-medium text-muted-foreground sm:grid"
            aria-hidden
          >
            <span className={canEdit ? "w-[4.25rem]" : "w-6"} />
            <span>{t("groups.columnProvider")}</span>
            <span>{t("groups.columnPriority")}</span>
            <span>{t("groups.columnWeight")}</span>
            <span>{t("groups.columnShare")}</span>
            <span>{t("groups.columnMemberEnabled")}</span>
            <span className={canEdit ? "w-[4.25rem]" : "w-0"} />
          </div>
          <DndContext
            sensors={sensors}
            collisionDetection={closestCenter}
            modifiers={[verticalOnly]}
            onDragEnd={onDragEnd}
            accessibility={{
              screenReaderInstructions: { draggable: t("groups.dragInstructions") },
              announcements: {
                onDragStart: ({ active }) => t("groups.dragPicked", { name: nameOf(active.id) }),
                onDragOver: ({ active, over }) =>
                  over
                    ? t("groups.dragOver", { name: nameOf(active.id), target: nameOf(over.id) })
                    : undefined,
                onDragEnd: ({ active }) => t("groups.dragDropped", { name: nameOf(active.id) }),
                onDragCancel: ({ active }) => t("groups.dragCancelled", { name: nameOf(active.id) }),
              },
            }}
          >
            <SortableContext items={members.map((m) => m.providerId)} strategy={verticalListSortingStrategy}>
              <ul className="overflow-hidden rounded-b-xl" aria-label={t("groups.membersTitle")}>
                {members.map((member, index) => (
                  <MemberRow
                    key={member.providerId}
                    member={member}
                    share={shares[index]!}
                    tier={tiers.indexOf(member.priority) + 1}
                    providerWeight={providerWeights.get(member.providerId)}
                    canEdit={canEdit}
                    busy={busy}
                    onChange={(patch) => change(member, patch)}
                    onEdit={() => editing.show(member)}
                    onRemove={() => removing.show(member)}
                  />
                ))}
              </ul>
            </SortableContext>
          </DndContext>
        </>
      )}

      <MemberFormDialog
        open={adding}
        onOpenChange={setAdding}
        group={group}
        available={available}
        hasProviders={(providers?.length ?? 0) > 0}
        onSaved={(detail, name) => {
          onGroupChange(detail);
          setAdding(false);
          toast.success(t("groups.memberAdded", { name }));
        }}
      />
      <MemberFormDialog
        open={editing.open}
        onOpenChange={editing.setOpen}
        group={group}
        member={editing.subject}
        available={available}
        hasProviders
        onSaved={(detail, name) => {
          onGroupChange(detail);
          editing.setOpen(false);
          toast.success(t("groups.memberSaved", { name }));
        }}
      />
      <ConfirmDialog
        open={removing.open}
        onOpenChange={removing.setOpen}
        title={t("groups.removeTitle", { name: removing.subject?.providerName ?? "", group: group.name })}
        description={t("groups.removeText")}
        confirmLabel={t("groups.removeConfirm")}
        onConfirm={async () => {
          const member = removing.subject;
          if (!member) return;
          await removeMember(group.id, member.providerId);
          onGroupChange({
            ...group,
            providers: group.providers.filter((m) => m.providerId !== member.providerId),
            memberCount: group.memberCount - 1,
          });
          removing.setOpen(false);
          toast.success(t("groups.removed", { name: member.providerName }));
        }}
      />
    </Card>
  );
}
