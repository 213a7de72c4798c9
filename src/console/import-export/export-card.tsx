"use client";

import { useState } from "react";
import {
  DownloadIcon,
  FileJsonIcon,
  FileSpreadsheetIcon,
  LoaderCircleIcon,
  TriangleAlertIcon,
} from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Label } from "@/components/ui/label";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import { describeError } from "../describe-error";
import { downloadExport, type ImportFormat } from "./import-export-api";

/** Downloads: the whole configuration as JSON, or the providers as CSV; admins may include secrets. */
export function ExportCard({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [busy, setBusy] = useState<ImportFormat | null>(null);

  async function download(kind: ImportFormat) {
    setBusy(kind);
    try {
      const name = await downloadExport(kind, isAdmin && includeSecrets, new Date());
      toast.success(t("importExport.downloaded", { name }));
    } catch (error) {
      toast.error(describeError(t, error));
    } finally {
      setBusy(null);
    }
  }

  const options: { kind: ImportFormat; icon: typeof FileJsonIcon; title: string; text: string }[] = [
    {
      kind: "json",
      icon: FileJsonIcon,
      title: t("importExport.exportJson"),
      text: t("importExport.exportJsonText"),
    },
    {
      kind: "csv",
      icon: FileSpreadsheetIcon,
      title: t("importExport.exportCsv"),
      text: t("importExport.exportCsvText"),
    },
  ];

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("importExport.exportTitle")}</CardTitle>
        <CardDescription>{t("importExport.exportDescription")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <div className="grid gap-3 sm:grid-cols-2">
          {options.map(({ kind, icon: Icon, title, text }) => (
            <div key={kind} className="flex items-start gap-3 rounded-lg border p-4">
              <div className="flex size-9 shrink-0 items-center justify-center rounded-md bg-muted text-muted-foreground">
                <Icon className="size-4" aria-hidden />
              </div>
              <div className="flex min-w-0 flex-1 flex-col gap-3">
                <div>
                  <p className="text-sm font-medium">{title}</p>
                  <p className="text-xs text-muted-foreground">{text}</p>
                </div>
                <Button
                  variant="outline"
                  size="sm"
                  className="w-fit"
                  onClick={() => void download(kind)}
                  disabled={busy !== null}
                >
                  {busy === kind ? (
                    <LoaderCircleIcon className="animate-spin" aria-hidden />
                  ) : (
                    <DownloadIcon aria-hidden />
                  )}
                  {t("importExport.download")}
                </Button>
              </div>
            </div>
          ))}
        </div>
        {isAdmin && (
          <div className="grid gap-2">
            <div className="flex items-center gap-2">
              <Checkbox
                id="export-include-secrets"
                checked={includeSecrets}
                onCheckedChange={(value) => setIncludeSecrets(value === true)}
              />
              <Label htmlFor="export-include-secrets" className="font-normal">
                {t("importExport.includeSecrets")}
              </Label>
            </div>
            {/* Shown right under the box the person just ticked: a shift they caused, not a surprise. */}
            {includeSecrets && (
              <p
                role="alert"
                className="flex items-start gap-2 rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm"
              >
                <TriangleAlertIcon
                  className="mt-0.5 size-4 shrink-0 text-amber-600 dark:text-warning"
                  aria-hidden
                />
                {t("importExport.includeSecretsWarning")}
              </p>
            )}
          </div>
        )}
      </CardContent>
    </Card>
  );
}
