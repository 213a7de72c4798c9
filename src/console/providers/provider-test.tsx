"use client";

import { useCallback, useId, useRef, useState } from "react";
import { LoaderCircleIcon, PlugZapIcon } from "lucide-react";
import type { Provider, ProviderTestResult } from "@/contracts/providers";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { describeError } from "../describe-error";
import { testProvider } from "./provider-api";

type Subject = Pick<Provider, "id" | "name">;

export interface ProviderTester {
  /** Tests the saved provider: a loading toast while it runs, then the outcome in its place. */
  run(provider: Subject): Promise<void>;
  /** Whether a test of this provider is running (from this hook). */
  isRunning(id: string): boolean;
}

/** Runs "test connection" for providers and reports each outcome in a toast. */
export function useProviderTest(): ProviderTester {
  const t = useT();
  const [running, setRunning] = useState<ReadonlySet<string>>(new Set());
  // A second click while a test of the same provider runs would only race the first one's toast.
  const inFlight = useRef(new Set<string>());

  const run = useCallback(
    async (provider: Subject) => {
      if (inFlight.current.has(provider.id)) return;
      inFlight.current.add(provider.id);
      setRunning(new Set(inFlight.current));
      const id = toast.loading(t("providers.testRunning", { name: provider.name }));
      try {
        const result = await testProvider(provider.id);
        const { kind, title } = describeTestResult(t, provider.name, result);
        const description = result.error
          ? `GET ${result.url} · ${result.error.message}`
          : `GET ${result.url}`;
        toast[kind](title, { id, description });
      } catch (error) {
        toast.error(describeError(t, error), { id });
      } finally {
        inFlight.current.delete(provider.id);
        setRunning(new Set(inFlight.current));
      }
    },
    [t],
  );
  const isRunning = useCallback((id: string) => running.has(id), [running]);
  return { run, isRunning };
}

/** The toast kind and title for a test result (success only for 2xx/3xx; 4xx other than 401/403 warns). */
export function describeTestResult(
  t: Translate,
  name: string,
  result: ProviderTestResult,
): { kind: "success" | "warning" | "error"; title: string } {
  const timing = { name, status: result.status ?? 0, ms: Math.round(result.latencyMs) };
  if (result.ok) return { kind: "success", title: t("providers.testSuccess", timing) };
  if (result.status !== null) {
    if (result.outcome === "neutral") return { kind: "warning", title: t("providers.testNeutral", timing) };
    if (result.outcome === "auth_failure") return { kind: "error", title: t("providers.testAuth", timing) };
    return { kind: "error", title: t("providers.testStatus", timing) };
  }
  const code = result.error?.code;
  const key =
    code === "UPSTREAM_CONNECT_FAILED"
      ? "providers.testConnectFailed"
      : code === "UPSTREAM_TIMEOUT"
        ? "providers.testTimeout"
        : "providers.testReset";
  return { kind: "error", title: t(key, timing) };
}

/**
 * The edit dialog's "Test connection" button. It tests the saved provider, not the form: with
 * unsaved changes a hint says so.
 */
export function ProviderTestButton({ provider, dirty }: { provider: Subject; dirty: boolean }) {
  const t = useT();
  const tester = useProviderTest();
  const hintId = useId();
  const busy = tester.isRunning(provider.id);
  return (
    <div className="flex flex-col gap-1 sm:mr-auto sm:flex-row sm:items-center sm:gap-3">
      <Button
        type="button"
        variant="outline"
        disabled={busy}
        aria-describedby={dirty ? hintId : undefined}
        onClick={() => void tester.run(provider)}
      >
        {busy ? <LoaderCircleIcon className="animate-spin" aria-hidden /> : <PlugZapIcon aria-hidden />}
        {t("providers.testAction")}
      </Button>
      {dirty && (
        <p id={hintId} className="text-xs text-muted-foreground">
          {t("providers.testSavedHint")}
        </p>
      )}
    </div>
  );
}
