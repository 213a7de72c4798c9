"use client";

import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { useT } from "@/i18n/i18n-provider";
import { useSession } from "../session-provider";
import { AuditPanel } from "./audit-panel";
import { UsersPanel } from "./users-panel";

/** Settings: console users (system admins) and the audit log (everyone, of the acting tenant). */
export function SettingsPage() {
  const t = useT();
  const { user, identity } = useSession();
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("settings.title")} description={t("settings.description")} />
      {/* Who manages users is known once `GET /me` answered (system administrators only). */}
      {!user || !identity ? (
        <Skeleton className="h-80 w-full rounded-xl" />
      ) : user.role === "admin" && identity.system ? (
        <Tabs defaultValue="users" className="gap-4">
          <TabsList>
            <TabsTrigger value="users">{t("settings.tabUsers")}</TabsTrigger>
            <TabsTrigger value="audit">{t("settings.tabAudit")}</TabsTrigger>
          </TabsList>
          <TabsContent value="users">
            <UsersPanel />
          </TabsContent>
          <TabsContent value="audit">
            <AuditPanel />
          </TabsContent>
        </Tabs>
      ) : (
        <>
          <p className="text-sm text-muted-foreground">{t("settings.viewerNote")}</p>
          <AuditPanel />
        </>
      )}
    </div>
  );
}
