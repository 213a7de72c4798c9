"use client";

import { PageHeader } from "@/components/ui/page-header";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useT } from "@/i18n/i18n-provider";
import { useSession } from "../session-provider";
import { ExportCard } from "./export-card";
import { ImportCard } from "./import-card";

/** Import / Export: download the configuration, or preview and apply one (admins). */
export function ImportExportPage() {
  const t = useT();
  const { user } = useSession();
  const isAdmin = user?.role === "admin";
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("importExport.title")} description={t("importExport.description")} />
      <ExportCard isAdmin={isAdmin} />
      {!user ? (
        <Skeleton className="h-72 w-full rounded-xl" />
      ) : isAdmin ? (
        <ImportCard />
      ) : (
        <Card>
          <CardHeader>
            <CardTitle>{t("importExport.importTitle")}</CardTitle>
            <CardDescription>{t("importExport.viewerImport")}</CardDescription>
          </CardHeader>
        </Card>
      )}
    </div>
  );
}
