"use client";

import { useRef, useState } from "react";
import { FileUpIcon, LoaderCircleIcon } from "lucide-react";
import type { ModelPriceImportResult } from "@/contracts/model-prices";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import { formatCount } from "../format";
import { importModelPrices } from "./model-price-api";
import { readPriceFile } from "./model-price-form-model";

/** The most skipped entries listed under an import's result. */
const SKIPPED_LISTED = 5;

/**
 * Imports LiteLLM's `model_prices_and_context_window.json` chosen with a file picker: priced models
 * are added or updated, the rest skipped; the result says how many of each. A file that is not a
 * JSON object is refused here with a clear message, before anything is sent.
 */
export function PriceImportCard({ onImported }: { onImported: () => void }) {
  const { t, locale } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{ file: string; outcome: ModelPriceImportResult } | null>(null);

  async function importFile(file: File) {
    setError(null);
    setResult(null);
    const reading = readPriceFile(await file.text());
    if (!reading.ok) {
      setError(
        t(reading.reason === "json" ? "modelPrices.importNotJson" : "modelPrices.importNotObject", {
          file: file.name,
        }),
      );
      return;
    }
    setBusy(true);
    try {
      const outcome = await importModelPrices(reading.body);
      setResult({ file: file.name, outcome });
      toast.success(t("modelPrices.imported", { created: outcome.created, updated: outcome.updated }));
      onImported();
    } catch (failure) {
      setError(describeError(t, failure));
    } finally {
      setBusy(false);
    }
  }

  const count = (n: number) => formatCount(locale, n);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("modelPrices.importTitle")}</CardTitle>
        <CardDescription>{t("modelPrices.importDescription")}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <div>
          <input
            ref={input}
            type="file"
            accept=".json,application/json"
            className="sr-only"
            tabIndex={-1}
            aria-label={t("modelPrices.importChoose")}
            data-testid="price-file"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = "";
              if (file) void importFile(file);
            }}
          />
          <Button variant="outline" disabled={busy} onClick={() => input.current?.click()}>
            {busy ? <LoaderCircleIcon className="animate-spin" aria-hidden /> : <FileUpIcon aria-hidden />}
            {busy ? t("modelPrices.importing") : t("modelPrices.importChoose")}
          </Button>
        </div>
        <FormError>{error}</FormError>
        {result && (
          <div
            className="flex flex-col gap-2 rounded-md border bg-muted/40 px-3 py-2.5 text-sm"
            data-testid="import-result"
          >
            <p>
              {t("modelPrices.importResult", {
                file: result.file,
                created: count(result.outcome.created),
                updated: count(result.outcome.updated),
                skipped: count(result.outcome.skipped),
              })}
            </p>
            {result.outcome.skippedExamples.length > 0 && (
              <ul className="list-disc pl-5 text-muted-foreground">
                {result.outcome.skippedExamples.slice(0, SKIPPED_LISTED).map((example) => (
                  <li key={example.model}>
                    <span className="font-mono">{example.model}</span>: {example.reason}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </CardContent>
    </Card>
  );
}
