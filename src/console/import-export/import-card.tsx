"use client";

import { useRef, useState, type DragEvent } from "react";
import {
  CircleAlertIcon,
  CircleCheckIcon,
  FileUpIcon,
  LoaderCircleIcon,
  UploadIcon,
  XIcon,
} from "lucide-react";
import type { ImportResult } from "@/contracts/config-document";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Label } from "@/components/ui/label";
import { toast } from "@/components/ui/toaster";
import { cn } from "@/components/ui/cn";
import { useT } from "@/i18n/i18n-provider";
import { isApiError, type ApiIssue } from "../api-client";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import { ImportDiff } from "./import-diff";
import {
  detectFormat,
  parseJsonDocument,
  runImport,
  summarizeDiff,
  type ImportFile,
} from "./import-export-api";

type Stage =
  | { kind: "idle" }
  | { kind: "busy"; step: "preview" | "apply" }
  | { kind: "preview"; result: ImportResult }
  | { kind: "applied"; result: ImportResult }
  | { kind: "invalid"; message: string; issues: ApiIssue[] }
  | { kind: "failed"; message: string };

const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Upload a JSON or CSV file, preview what it would change (dry run), then apply it. */
export function ImportCard() {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<ImportFile | null>(null);
  const [prune, setPrune] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [stage, setStage] = useState<Stage>({ kind: "idle" });

  async function pick(picked: File | undefined) {
    if (!picked) return;
    if (picked.size > MAX_FILE_BYTES) {
      setFile(null);
      setStage({ kind: "failed", message: t("importExport.fileTooLarge") });
      return;
    }
    const text = await picked.text();
    const next = { name: picked.name, format: detectFormat(picked.name, text), text };
    setFile(next);
    await preview(next, prune);
  }

  async function send(target: ImportFile, options: { dryRun: boolean; prune: boolean }) {
    let document: unknown = undefined;
    if (target.format === "json") {
      const parsed = parseJsonDocument(target.text);
      if (!parsed.ok) {
        setStage({
          kind: "invalid",
          message: t("importExport.notJson"),
          issues: [{ path: "", message: parsed.message }],
        });
        return null;
      }
      document = parsed.value;
    }
    setStage({ kind: "busy", step: options.dryRun ? "preview" : "apply" });
    try {
      return await runImport(target, document, options);
    } catch (error) {
      if (isApiError(error) && (error.code === "IMPORT_INVALID" || error.code === "INVALID_JSON")) {
        setStage({ kind: "invalid", message: error.message, issues: error.issues });
      } else {
        setStage({ kind: "failed", message: describeError(t, error) });
      }
      return null;
    }
  }

  async function preview(target: ImportFile, withPrune: boolean) {
    const result = await send(target, { dryRun: true, prune: withPrune });
    if (result) setStage({ kind: "preview", result });
  }

  async function apply() {
    if (!file) return;
    const result = await send(file, { dryRun: false, prune });
    if (!result) return;
    setStage({ kind: "applied", result });
    const sum = summarizeDiff(result);
    toast.success(
      t("importExport.appliedToast", { created: sum.created, updated: sum.updated, deleted: sum.deleted }),
    );
  }

  function clear() {
    setFile(null);
    setStage({ kind: "idle" });
    if (input.current) input.current.value = "";
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    void pick(event.dataTransfer.files[0]);
  }

  const busy = stage.kind === "busy";
  const result = stage.kind === "preview" || stage.kind === "applied" ? stage.result : null;
  const sum = result ? summarizeDiff(result) : null;
  const nothingToDo = sum !== null && sum.created + sum.updated + sum.deleted === 0;

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("importExport.importTitle")}</CardTitle>
        <CardDescription>{t("importExport.importDescription")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <div
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          className={cn(
            "flex flex-col items-center justify-center gap-3 rounded-lg border border-dashed px-4 py-8 text-center transition-colors",
            dragging && "border-primary bg-primary/5",
          )}
        >
          {file ? (
            <div className="flex max-w-full items-center gap-3">
              <FileUpIcon className="size-5 shrink-0 text-muted-foreground" aria-hidden />
              <span className="truncate font-mono text-sm" data-testid="import-file-name">
                {file.name}
              </span>
              <Badge variant="secondary" className="uppercase">
                {file.format}
              </Badge>
              <Button
                variant="ghost"
                size="icon-sm"
                onClick={clear}
                disabled={busy}
                aria-label={t("importExport.clearFile")}
              >
                <XIcon />
              </Button>
            </div>
          ) : (
            <>
              <div className="flex size-10 items-center justify-center rounded-full bg-muted text-muted-foreground">
                <UploadIcon className="size-5" aria-hidden />
              </div>
              <p className="text-sm text-muted-foreground">{t("importExport.dropHint")}</p>
            </>
          )}
          <input
            ref={input}
            id="import-file"
            type="file"
            accept=".json,.csv,application/json,text/csv"
            className="sr-only"
            aria-label={t("importExport.chooseFile")}
            tabIndex={-1}
            onChange={(event) => void pick(event.target.files?.[0])}
            data-testid="import-file-input"
          />
          <Button variant="outline" size="sm" onClick={() => input.current?.click()} disabled={busy}>
            {file ? t("importExport.chooseOther") : t("importExport.chooseFile")}
          </Button>
        </div>

        <div className="flex items-start gap-2">
          <Checkbox
            id="import-prune"
            className="mt-0.5"
            checked={prune}
            disabled={busy}
            onCheckedChange={(value) => {
              const next = value === true;
              setPrune(next);
              if (file && stage.kind !== "applied") void preview(file, next);
            }}
          />
          <div className="grid gap-0.5">
            <Label htmlFor="import-prune" className="font-normal">
              {t("importExport.prune")}
            </Label>
            <p className="text-xs text-muted-foreground">{t("importExport.pruneHint")}</p>
          </div>
        </div>

        {busy && (
          <p className="flex items-center gap-2 text-sm text-muted-foreground" role="status">
            <LoaderCircleIcon className="size-4 animate-spin" aria-hidden />
            {stage.step === "preview" ? t("importExport.previewing") : t("importExport.applying")}
          </p>
        )}
        {stage.kind === "failed" && <FormError>{stage.message}</FormError>}
        {stage.kind === "invalid" && (
          <div
            role="alert"
            className="grid gap-2 rounded-md border border-destructive/30 bg-destructive/5 p-3"
            data-testid="import-errors"
          >
            <p className="flex items-start gap-2 text-sm font-medium text-destructive">
              <CircleAlertIcon className="mt-0.5 size-4 shrink-0" aria-hidden />
              {t("importExport.invalidTitle", { count: stage.issues.length })}
            </p>
            <ul className="grid max-h-64 gap-1 overflow-y-auto text-sm">
              {stage.issues.map((issue, index) => (
                <li
                  key={`${issue.path}:${index}`}
                  className="flex flex-col gap-0.5 sm:flex-row sm:items-baseline sm:gap-3"
                >
                  {issue.path && (
                    <code className="shrink-0 font-mono text-xs text-destructive sm:w-56 sm:truncate">
                      {issue.path}
                    </code>
                  )}
                  <span className="text-muted-foreground">{issue.message}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
        {result && (
          <div className="grid gap-3">
            <p className="flex items-center gap-2 text-sm font-medium">
              {stage.kind === "applied" ? (
                <>
                  <CircleCheckIcon className="size-4 text-success" aria-hidden />
                  {t("importExport.appliedTitle")}
                </>
              ) : nothingToDo ? (
                t("importExport.nothingToDo")
              ) : (
                t("importExport.previewTitle")
              )}
            </p>
            <ImportDiff result={result} />
          </div>
        )}
      </CardContent>
      {stage.kind === "preview" && (
        <CardFooter className="justify-end gap-2 border-t pt-6 [.border-t]:pt-6">
          <Button variant="ghost" onClick={clear}>
            {t("common.cancel")}
          </Button>
          <Button onClick={() => void apply()} disabled={nothingToDo}>
            {t("importExport.apply")}
          </Button>
        </CardFooter>
      )}
    </Card>
  );
}
