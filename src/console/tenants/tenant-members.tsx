"use client";

import { useMemo } from "react";
import { Trash2Icon, UserPlusIcon } from "lucide-react";
import type { TenantMember } from "@/contracts/tenants";
import { TENANT_ROLES } from "@/core/vocabulary/tenants";
import { Button } from "@/components/ui/button";
import { CardDescription, CardTitle } from "@/components/ui/card";
import { TableCell, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import { ConfirmDialog } from "../confirm-dialog";
import { endpoints } from "../endpoints";
import { FormError } from "../form-error";
import { SelectField } from "../forms/controlled-fields";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog, type DialogOpenProps } from "../forms/form-dialog";
import { useDialogForm } from "../forms/use-dialog-form";
import { useDialogSubject } from "../resource-list/use-dialog-subject";
import { TableCard } from "../resource-list/table-card";
import { selectUsers } from "../settings/users-api";
import { useApiQuery } from "../use-api-query";
import { removeTenantMember, selectMembers, setTenantMember } from "./tenant-api";
import { localizeTenantIssue, memberFormSchema, type MemberFormValues } from "./tenant-form-model";

/** A tenant's members (console users with a role there): add or change a role, remove. */
export function TenantMembers({ tenantId, canEdit }: { tenantId: string; canEdit: boolean }) {
  const t = useT();
  const query = useApiQuery(endpoints.tenantMembers(tenantId), selectMembers);
  const adding = useDialogSubject<never>();
  const removing = useDialogSubject<TenantMember>();
  const { setData } = query;
  const members = query.data ?? [];

  const upsert = (saved: TenantMember) =>
    setData((rows) => [...(rows ?? []).filter((m) => m.userId !== saved.userId), saved]);

  return (
    <section className="flex flex-col gap-3" aria-labelledby="tenant-members-title">
      <div className="flex items-end justify-between gap-3">
        <div className="flex flex-col gap-1">
          <CardTitle id="tenant-members-title">{t("tenants.membersTitle")}</CardTitle>
          <CardDescription>{t("tenants.membersDescription")}</CardDescription>
        </div>
        {canEdit && (
          <Button variant="outline" onClick={() => adding.show()}>
            <UserPlusIcon aria-hidden />
            {t("tenants.addMember")}
          </Button>
        )}
      </div>
      <TableCard
        data-testid="tenant-members"
        loading={query.isLoading}
        skeletonRows={2}
        skeletonClassName="h-6"
        columns={[
          { label: t("tenants.columnUser"), className: "w-full" },
          { label: t("tenants.columnRole") },
          { label: t("common.actions"), srOnly: true, className: "w-12" },
        ]}
      >
        {members.length === 0 ? (
          <TableRow>
            <TableCell colSpan={3} className="text-sm text-muted-foreground">
              {query.error ? query.error.message : t("tenants.noMembers")}
            </TableCell>
          </TableRow>
        ) : (
          members.map((member) => (
            <TableRow key={member.userId} data-testid="tenant-member-row">
              <TableCell className="max-w-0">
                <p className="truncate font-medium">{member.name}</p>
                {member.username && member.username !== member.name && (
                  <p className="truncate text-xs text-muted-foreground">{member.username}</p>
                )}
              </TableCell>
              <TableCell>{t(`tenants.role_${member.role}`)}</TableCell>
              <TableCell className="text-right">
                {canEdit && (
                  <Button
                    variant="ghost"
                    size="icon"
                    aria-label={t("tenants.removeMemberLabel", { name: member.name })}
                    onClick={() => removing.show(member)}
                  >
                    <Trash2Icon aria-hidden />
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))
        )}
      </TableCard>

      <AddMemberDialog
        open={adding.open}
        onOpenChange={adding.setOpen}
        tenantId={tenantId}
        onSaved={(saved) => {
          upsert(saved);
          adding.setOpen(false);
          toast.success(
            t("tenants.memberSaved", { name: saved.name, role: t(`tenants.role_${saved.role}`) }),
          );
        }}
      />
      <ConfirmDialog
        open={removing.open}
        onOpenChange={removing.setOpen}
        destructive
        title={t("tenants.removeMemberTitle", { name: removing.subject?.name ?? "" })}
        description={t("tenants.removeMemberText")}
        confirmLabel={t("common.remove")}
        onConfirm={async () => {
          const member = removing.subject;
          if (!member) return;
          await removeTenantMember(tenantId, member.userId);
          setData((rows) => rows?.filter((m) => m.userId !== member.userId));
          removing.setOpen(false);
          toast.success(t("tenants.memberRemoved", { name: member.name }));
        }}
      />
    </section>
  );
}

function AddMemberDialog({
  open,
  onOpenChange,
  tenantId,
  onSaved,
}: DialogOpenProps & { tenantId: string; onSaved: (member: TenantMember) => void }) {
  const t = useT();
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="sm:max-w-md"
      title={t("tenants.addMemberTitle")}
      description={t("tenants.addMemberDescription")}
    >
      <AddMemberForm tenantId={tenantId} onCancel={() => onOpenChange(false)} onSaved={onSaved} />
    </FormDialog>
  );
}

function AddMemberForm({
  tenantId,
  onCancel,
  onSaved,
}: {
  tenantId: string;
  onCancel: () => void;
  onSaved: (member: TenantMember) => void;
}) {
  const t = useT();
  // Loaded when the dialog opens (the list is for administrators; viewers never open it).
  const users = useApiQuery(endpoints.users, selectUsers);
  const { form, onSubmit, formError, busy } = useDialogForm<MemberFormValues, MemberFormValues>({
    schema: memberFormSchema,
    localize: localizeTenantIssue,
    defaultValues: { userId: "", role: "owner" },
    submit: async (values) => onSaved(await setTenantMember(tenantId, values.userId, values.role)),
    serverFields: ["userId", "role"],
    codeFields: { USER_NOT_FOUND: { field: "userId" } },
  });
  const userOptions = useMemo(
    () => (users.data ?? []).map((u) => ({ value: u.id, label: u.displayUsername || u.username })),
    [users.data],
  );
  const roleOptions = TENANT_ROLES.map((role) => ({ value: role, label: t(`tenants.role_${role}`) }));
  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      <SelectField
        control={form.control}
        name="userId"
        label={t("tenants.fieldUser")}
        hint={t("tenants.fieldUserHint")}
        placeholder={t("tenants.fieldUserPlaceholder")}
        options={userOptions}
        required
      />
      <SelectField
        control={form.control}
        name="role"
        label={t("tenants.fieldRole")}
        hint={t("tenants.fieldRoleHint")}
        options={roleOptions}
      />
      <FormError>{formError}</FormError>
      <DialogFormFooter
        onCancel={onCancel}
        busy={busy}
        submitLabel={t("common.add")}
        busyLabel={t("common.saving")}
      />
    </form>
  );
}
