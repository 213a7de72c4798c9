"use client";

import { useState, type ReactNode } from "react";
import Link from "next/link";
import { GitCompareArrowsIcon, RotateCcwIcon } from "lucide-react";
import { logDetailSchema, type LogDetail, type LogSummary } from "@/contracts/logs";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import { useI18n, useT } from "@/i18n/i18n-provider";
import { readOne } from "../api-client";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { ErrorState } from "../error-state";
import { formatCount, formatDateTime } from "../format";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { formatMs } from "../observability/format-metrics";
import { AttemptTimeline } from "./attempt-timeline";
import { CopyCurlMenu } from "./copy-curl-menu";
import { ReplayDialog } from "./replay-dialog";
import { diffHref } from "./replay-output";
import { StatusBadge } from "./status-badge";
import type { DialogOpenProps } from "../forms/form-dialog";

function selectDetail(body: unknown): LogDetail {
  return readOne(body, logDetailSchema);
}

/** The drawer of one request: metadata, tokens, the attempt timeline and captured bodies. */
export function LogDetailSheet({
  log,
  open,
  onOpenChange,
}: DialogOpenProps & { log: LogSummary | undefined }) {
  const { t } = useI18n();
  return (
    <Sheet open={open} onOpenChange={onOpenChange}>
      <SheetContent className="w-full overflow-y-auto sm:max-w-xl" closeLabel={t("common.close")}>
        <SheetHeader>
          <SheetTitle className="pr-6 font-mono text-sm break-all">
            {log ? `${log.method} ${log.path}` : t("logs.detailTitle")}
          </SheetTitle>
          <SheetDescription>{t("logs.detailDescription")}</SheetDescription>
        </SheetHeader>
        {log && <DetailBody key={log.id} id={log.id} />}
      </SheetContent>
    </Sheet>
  );
}

function DetailBody({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const query = useApiQuery(endpoints.log(id), selectDetail);
  const log = query.data;
  if (query.error && !log)
    return <ErrorState message={describeError(t, query.error)} onRetry={query.reload} />;
  if (!log)
    return (
      <div className="flex flex-col gap-3 px-4">
        <Skeleton className="h-24 w-full" />
        <Skeleton className="h-32 w-full" />
      </div>
    );
  const tokens =
    log.inputTokens === null && log.outputTokens === null
      ? "—"
      : `${formatCount(locale, log.inputTokens ?? 0)} / ${formatCount(locale, log.outputTokens ?? 0)}`;
  return (
    <div className="flex flex-col gap-6 px-4 pb-6" data-testid="log-detail">
      <DebugActions log={log} />
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
        <Row label={t("logs.status")}>
          <StatusBadge log={log} />
        </Row>
        <Row label={t("logs.time")}>{formatDateTime(locale, log.createdAt)}</Row>
        <Row label={t("logs.group")}>{log.groupSlug ?? "—"}</Row>
        <Row label={t("logs.provider")}>{log.providerName ?? "—"}</Row>
        <Row label={t("logs.key")}>{log.keyName ?? "—"}</Row>
        <Row label={t("logs.model")}>{log.model ?? "—"}</Row>
        <Row label={t("logs.duration")}>
          {formatMs(locale, log.totalMs)} · {t("logs.ttfb")} {formatMs(locale, log.ttfbMs)}
        </Row>
        <Row label={t("logs.tokens")}>{tokens}</Row>
        <Row label={t("logs.bytes")}>
          {formatCount(locale, log.bytesIn)} / {formatCount(locale, log.bytesOut)}
        </Row>
        <Row label={t("logs.streamed")}>
          <Badge variant="outline">{log.streamed ? t("logs.yes") : t("logs.no")}</Badge>
        </Row>
        <Row label={t("logs.clientIp")}>{log.clientIp ?? "—"}</Row>
        <Row label={t("debug.source")}>
          <Badge variant={log.source === "replay" ? "secondary" : "outline"}>
            {t(`debug.source_${log.source}`)}
          </Badge>
        </Row>
        <Row label={t("logs.requestId")}>
          <span className="font-mono text-xs break-all">{log.id}</span>
        </Row>
      </dl>
      <section className="flex flex-col gap-3">
        <h3 className="text-sm font-semibold">{t("logs.attempts", { count: log.attempts.length })}</h3>
        {log.attempts.length === 0 ? (
          <p className="text-sm text-muted-foreground">{t("logs.noAttempts")}</p>
        ) : (
          <AttemptTimeline attempts={log.attempts} totalMs={log.totalMs} />
        )}
      </section>
      {log.bodies && (
        <section className="flex flex-col gap-3">
          <h3 className="text-sm font-semibold">{t("logs.bodies")}</h3>
          {(["request", "response"] as const).map((which) => {
            const body = log.bodies?.[which];
            return (
              <div key={which} className="flex flex-col gap-1">
                <p className="text-xs text-muted-foreground">
                  {t(which === "request" ? "logs.requestBody" : "logs.responseBody")}
                  {body && ` · ${formatCount(locale, body.bytes)} B`}
                  {body?.truncated && ` · ${t("logs.truncated")}`}
                </p>
                <pre
                  className="max-h-64 overflow-auto rounded-md bg-muted p-3 font-mono text-xs break-all whitespace-pre-wrap"
                  tabIndex={0}
                >
                  {body ? body.text || " " : t("logs.notCaptured")}
                </pre>
              </div>
            );
          })}
        </section>
      )}
    </div>
  );
}

/** Replay (admins), copy as curl, and the diff against the original when this is a replay. */
function DebugActions({ log }: { log: LogDetail }) {
  const t = useT();
  const { user } = useSession();
  const [replaying, setReplaying] = useState(false);
  const canReplay = log.capture !== null && user?.role !== "viewer";
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        {canReplay && (
          <Button size="sm" onClick={() => setReplaying(true)}>
            <RotateCcwIcon aria-hidden />
            {t("debug.replay")}
          </Button>
        )}
        {log.capture !== null && <CopyCurlMenu logId={log.id} />}
        {log.replayOf && (
          <Button asChild size="sm" variant="outline">
            <Link href={diffHref(log.replayOf, log.id)}>
              <GitCompareArrowsIcon aria-hidden />
              {t("debug.compareWithOriginal")}
            </Link>
          </Button>
        )}
      </div>
      {log.capture === null && <p className="text-xs text-muted-foreground">{t("debug.notCapturedHint")}</p>}
      {canReplay && <ReplayDialog log={log} open={replaying} onOpenChange={setReplaying} />}
    </div>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}
