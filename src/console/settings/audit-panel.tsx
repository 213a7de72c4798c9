"use client";

import { useCallback, useEffect, useState } from "react";
import { ChevronDownIcon, LoaderCircleIcon, ScrollTextIcon } from "lucide-react";
import type { AuditEntry } from "@/contracts/audit";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardAction, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { useI18n } from "@/i18n/i18n-provider";
import type { MessageKey } from "@/i18n/types";
import { isApiError } from "../api-client";
import { describeError } from "../describe-error";
import { ErrorState } from "../error-state";
import { formatDateTime } from "../format";
import { RelativeTime } from "../relative-time";
import { useSession } from "../session-provider";
import { useNow } from "../use-now";
import { fetchAuditPage } from "./users-api";

const ALL = "all";

const ENTITY_TYPES: { value: string; label: MessageKey }[] = [
  { value: ALL, label: "settings.auditAll" },
  { value: "provider", label: "nav.providers" },
  { value: "group", label: "nav.groups" },
  { value: "api_key", label: "nav.apiKeys" },
  { value: "config", label: "nav.importExport" },
  { value: "user", label: "settings.auditUsers" },
];

interface AuditState {
  items: AuditEntry[];
  nextCursor: string | null;
  loading: boolean;
  error?: unknown;
}

/** The audit log, newest first, filtered by kind, with "load more" through the API's cursor. */
export function AuditPanel() {
  const { t, locale } = useI18n();
  const { redirectToSignIn, ready } = useSession();
  const now = useNow();
  const [entityType, setEntityType] = useState(ALL);
  const [state, setState] = useState<AuditState>({ items: [], nextCursor: null, loading: true });
  const [version, setVersion] = useState(0);

  const load = useCallback(
    async (cursor: string | undefined, signal?: AbortSignal) => {
      setState((current) => ({ ...current, loading: true, error: undefined }));
      try {
        const page = await fetchAuditPage(
          { cursor, entityType: entityType === ALL ? undefined : entityType },
          signal,
        );
        setState((current) => ({
          items: cursor ? [...current.items, ...page.items] : page.items,
          nextCursor: page.nextCursor,
          loading: false,
        }));
      } catch (error) {
        if (signal?.aborted) return;
        if (isApiError(error) && error.status === 401) return redirectToSignIn();
        setState((current) => ({ ...current, loading: false, error }));
      }
    },
    [entityType, redirectToSignIn],
  );

  useEffect(() => {
    // Not before the session is known (signed out, the call could only answer 401).
    if (!ready) return;
    const controller = new AbortController();
    setState({ items: [], nextCursor: null, loading: true });
    void load(undefined, controller.signal);
    return () => controller.abort();
  }, [load, version, ready]);

  const first = state.loading && state.items.length === 0;
  return (
    <Card className="gap-0 py-0">
      <CardHeader className="border-b py-4 [.border-b]:pb-4">
        <CardTitle>{t("settings.auditTitle")}</CardTitle>
        <CardDescription>{t("settings.auditDescription")}</CardDescription>
        <CardAction>
          <Select value={entityType} onValueChange={setEntityType}>
            <SelectTrigger size="sm" className="w-36" aria-label={t("settings.auditFilter")}>
              <SelectValue />
            </SelectTrigger>
            <SelectContent align="end">
              {ENTITY_TYPES.map((type) => (
                <SelectItem key={type.value} value={type.value}>
                  {t(type.label)}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </CardAction>
      </CardHeader>
      {state.error !== undefined && state.items.length === 0 ? (
        <div className="p-4">
          <ErrorState message={describeError(t, state.error)} onRetry={() => setVersion((v) => v + 1)} />
        </div>
      ) : !first && state.items.length === 0 ? (
        <EmptyState
          icon={ScrollTextIcon}
          className="m-4 border-0"
          title={t("settings.auditEmpty")}
          description={t("settings.auditEmptyText")}
        />
      ) : (
        <ol className="divide-y" data-testid="audit-list">
          {first
            ? Array.from({ length: 5 }, (_, i) => (
                <li key={i} className="flex flex-col gap-2 px-4 py-3">
                  <Skeleton className="h-4 w-2/3" />
                  <Skeleton className="h-3 w-40" />
                </li>
              ))
            : state.items.map((entry) => (
                <li key={entry.id} className="px-4 py-3">
                  <details className="group">
                    <summary className="flex cursor-pointer list-none flex-col gap-1 rounded-sm outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 sm:flex-row sm:items-center sm:gap-3 [&::-webkit-details-marker]:hidden">
                      <span className="min-w-0 flex-1 truncate text-sm">{entry.summary}</span>
                      <span className="flex shrink-0 items-center gap-2 text-xs text-muted-foreground">
                        <Badge variant="outline" className="font-mono">
                          {entry.action}
                        </Badge>
                        <span className="font-medium text-foreground">{entry.actor.name}</span>
                        <RelativeTime iso={entry.at} now={now} />
                        <ChevronDownIcon
                          className="size-4 transition-transform group-open:rotate-180"
                          aria-hidden
                        />
                      </span>
                    </summary>
                    <dl className="mt-3 grid gap-2 rounded-md bg-muted/50 p-3 text-xs">
                      <div className="flex flex-wrap gap-x-6 gap-y-1">
                        <Field label={t("settings.auditWhen")} value={formatDateTime(locale, entry.at)} />
                        <Field
                          label={t("settings.auditEntity")}
                          value={`${entry.entityType}${entry.entityId ? ` · ${entry.entityId}` : ""}`}
                        />
                        {entry.ip && <Field label={t("settings.auditIp")} value={entry.ip} />}
                      </div>
                      {entry.changes && (
                        <pre className="max-h-64 overflow-auto rounded-sm bg-background p-2 font-mono text-[11px] leading-relaxed">
                          {JSON.stringify(entry.changes, null, 2)}
                        </pre>
                      )}
                    </dl>
                  </details>
                </li>
              ))}
        </ol>
      )}
      {(state.nextCursor || (state.loading && state.items.length > 0)) && (
        <div className="flex justify-center border-t p-3">
          <Button
            variant="outline"
            size="sm"
            onClick={() => void load(state.nextCursor ?? undefined)}
            disabled={state.loading}
          >
            {state.loading && <LoaderCircleIcon className="animate-spin" aria-hidden />}
            {t("settings.auditMore")}
          </Button>
        </div>
      )}
    </Card>
  );
}

function Field({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex gap-1.5">
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="font-mono break-all">{value}</dd>
    </div>
  );
}
