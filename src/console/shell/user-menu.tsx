"use client";

import { useState } from "react";
import { ChevronsUpDownIcon, KeyRoundIcon, LogOutIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Skeleton } from "@/components/ui/skeleton";
import { useT } from "@/i18n/i18n-provider";
import { useSession } from "../session-provider";
import { ChangePasswordDialog } from "./change-password-dialog";

/** The account button: who is signed in, their role, change password and sign out. */
export function UserMenu() {
  const t = useT();
  const { user, state, signOut } = useSession();
  const [passwordOpen, setPasswordOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);

  if (state.status === "loading") return <Skeleton className="h-8 w-8 rounded-full sm:w-32" />;

  const name = user?.displayName ?? "—";
  const initials = name.slice(0, 2).toUpperCase();
  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" className="h-9 gap-2 px-1.5 sm:px-2">
            <span
              className="flex size-7 items-center justify-center rounded-full bg-primary/15 text-xs font-semibold text-primary dark:text-indigo-200"
              aria-hidden
            >
              {initials}
            </span>
            <span className="hidden max-w-32 truncate text-sm font-medium sm:inline">{name}</span>
            {/* The visible name stays part of the accessible name (WCAG 2.5.3). */}
            <span className="sr-only">{t("header.userMenu")}</span>
            <ChevronsUpDownIcon className="hidden size-3.5 text-muted-foreground sm:inline" aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end" className="w-56">
          <DropdownMenuLabel className="flex flex-col gap-1 font-normal">
            <span className="text-xs text-muted-foreground">{t("header.signedInAs")}</span>
            <span className="flex items-center justify-between gap-2">
              <span className="truncate text-sm font-medium">{name}</span>
              {user && (
                <Badge variant={user.role === "admin" ? "default" : "secondary"}>
                  {t(`roles.${user.role}`)}
                </Badge>
              )}
            </span>
          </DropdownMenuLabel>
          <DropdownMenuSeparator />
          <DropdownMenuItem onSelect={() => setPasswordOpen(true)} disabled={!user}>
            <KeyRoundIcon />
            {t("header.changePassword")}
          </DropdownMenuItem>
          <DropdownMenuItem
            disabled={signingOut}
            onSelect={() => {
              setSigningOut(true);
              void signOut().finally(() => setSigningOut(false));
            }}
          >
            <LogOutIcon />
            {signingOut ? t("header.signingOut") : t("header.signOut")}
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <ChangePasswordDialog open={passwordOpen} onOpenChange={setPasswordOpen} />
    </>
  );
}
