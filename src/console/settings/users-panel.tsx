"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { KeyRoundIcon, PlusIcon, Trash2Icon, UsersIcon } from "lucide-react";
import { type User } from "@/contracts/users";
import { USER_ROLES, type UserRole } from "@/core/vocabulary/users";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardAction, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { isApiError } from "../api-client";
import { ConfirmDialog } from "../confirm-dialog";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { ErrorState } from "../error-state";
import { RelativeTime } from "../relative-time";
import { RowActionsMenu } from "../resource-list/row-actions-menu";
import { useDialogSubject } from "../resource-list/use-dialog-subject";
import { useResourceRows } from "../resource-list/use-resource-rows";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { useNow } from "../use-now";
import { UserCreateDialog, UserPasswordDialog } from "./user-dialogs";
import { changeUserRole, deleteUser, selectUsers } from "./users-api";

/** Why a user write failed, in words; LAST_ADMIN gets its own explanation. */
function explainUserError(t: Translate, error: unknown): string {
  if (isApiError(error) && error.code === "LAST_ADMIN") return t("settings.lastAdmin");
  return describeError(t, error);
}

/** Console users (admins only): create, change role, reset password, delete. */
export function UsersPanel() {
  const t = useT();
  const router = useRouter();
  const { user: me } = useSession();
  const query = useApiQuery(endpoints.users, selectUsers);
  const now = useNow();
  const [creating, setCreating] = useState(false);
  const resetting = useDialogSubject<User>();
  const deleting = useDialogSubject<User>();
  const [pending, setPending] = useState<string | null>(null);
  const rows = useResourceRows<User>(query.setData);
  const users = query.data ? [...query.data].sort((a, b) => a.username.localeCompare(b.username)) : undefined;

  async function changeRole(user: User, role: UserRole) {
    if (role === user.role) return;
    setPending(user.id);
    try {
      const saved = await changeUserRole(user.id, role);
      rows.upsert(saved);
      toast.success(t("settings.roleChanged", { name: saved.displayUsername, role: t(`roles.${role}`) }));
      // Demoting yourself: the console reloads in the new role.
      if (user.id === me?.id) window.location.reload();
    } catch (error) {
      toast.error(explainUserError(t, error));
    } finally {
      setPending(null);
    }
  }

  const addButton = (
    <Button size="sm" onClick={() => setCreating(true)}>
      <PlusIcon />
      {t("settings.createUser")}
    </Button>
  );

  return (
    <Card className="gap-0 py-0">
      <CardHeader className="border-b py-4 [.border-b]:pb-4">
        <CardTitle>{t("settings.usersTitle")}</CardTitle>
        <CardDescription>{t("settings.usersDescription")}</CardDescription>
        <CardAction>{addButton}</CardAction>
      </CardHeader>
      {query.error && !query.data ? (
        <div className="p-4">
          <ErrorState message={describeError(t, query.error)} onRetry={query.reload} />
        </div>
      ) : users && users.length === 0 ? (
        <EmptyState
          icon={UsersIcon}
          className="m-4 border-0"
          title={t("settings.usersEmpty")}
          action={addButton}
        />
      ) : (
        <Table>
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead className="w-full">{t("settings.columnUser")}</TableHead>
              <TableHead>{t("settings.columnRole")}</TableHead>
              <TableHead className="hidden md:table-cell">{t("settings.columnCreated")}</TableHead>
              <TableHead className="w-12">
                <span className="sr-only">{t("common.actions")}</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {!users
              ? Array.from({ length: 2 }, (_, i) => (
                  <TableRow key={i} className="hover:bg-transparent">
                    <TableCell>
                      <Skeleton className="h-4 w-32" />
                    </TableCell>
                    <TableCell>
                      <Skeleton className="h-8 w-28" />
                    </TableCell>
                    <TableCell className="hidden md:table-cell">
                      <Skeleton className="h-4 w-20" />
                    </TableCell>
                    <TableCell />
                  </TableRow>
                ))
              : users.map((user) => (
                  <TableRow key={user.id} data-testid="user-row">
                    <TableCell className="max-w-0">
                      <div className="flex items-center gap-2">
                        <span className="truncate font-medium">{user.displayUsername}</span>
                        {user.id === me?.id && <Badge variant="secondary">{t("settings.you")}</Badge>}
                      </div>
                      {user.email && <p className="truncate text-xs text-muted-foreground">{user.email}</p>}
                    </TableCell>
                    <TableCell>
                      <Select
                        value={user.role}
                        onValueChange={(value) => void changeRole(user, value as UserRole)}
                        disabled={pending === user.id}
                      >
                        <SelectTrigger
                          size="sm"
                          className="w-28"
                          aria-label={t("settings.roleLabel", { name: user.displayUsername })}
                        >
                          <SelectValue />
                        </SelectTrigger>
                        <SelectContent>
                          {USER_ROLES.map((role) => (
                            <SelectItem key={role} value={role}>
                              {t(`roles.${role}`)}
                            </SelectItem>
                          ))}
                        </SelectContent>
                      </Select>
                    </TableCell>
                    <TableCell className="hidden text-muted-foreground md:table-cell">
                      <RelativeTime iso={user.createdAt} now={now} />
                    </TableCell>
                    <TableCell className="text-right">
                      <RowActionsMenu
                        actions={[
                          {
                            label: t("settings.resetPassword"),
                            icon: KeyRoundIcon,
                            onSelect: () => resetting.show(user),
                          },
                          {
                            label: t("common.delete"),
                            icon: Trash2Icon,
                            destructive: true,
                            onSelect: () => deleting.show(user),
                          },
                        ]}
                      />
                    </TableCell>
                  </TableRow>
                ))}
          </TableBody>
        </Table>
      )}

      <UserCreateDialog
        open={creating}
        onOpenChange={setCreating}
        onCreated={(user) => {
          rows.upsert(user);
          setCreating(false);
          toast.success(t("settings.userCreated", { name: user.displayUsername }));
        }}
      />
      <UserPasswordDialog
        open={resetting.open}
        user={resetting.subject}
        onOpenChange={resetting.setOpen}
        onDone={(user) => {
          resetting.setOpen(false);
          toast.success(t("settings.passwordReset", { name: user.displayUsername }));
          if (user.id === me?.id) router.replace("/sign-in");
        }}
      />
      <ConfirmDialog
        open={deleting.open}
        onOpenChange={deleting.setOpen}
        title={t("settings.deleteTitle", { name: deleting.subject?.displayUsername ?? "" })}
        description={
          deleting.subject?.id === me?.id ? t("settings.deleteSelfText") : t("settings.deleteText")
        }
        confirmLabel={t("settings.deleteConfirm")}
        describeFailure={(error) => explainUserError(t, error)}
        onConfirm={async () => {
          const user = deleting.subject;
          if (!user) return;
          await deleteUser(user.id);
          rows.remove(user.id);
          deleting.setOpen(false);
          toast.success(t("settings.userDeleted", { name: user.displayUsername }));
          if (user.id === me?.id) router.replace("/sign-in");
        }}
      />
    </Card>
  );
}
