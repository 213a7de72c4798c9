"use client";

import Link from "next/link";
import { useCallback } from "react";
import { HeartPulseIcon, RadioIcon, RefreshCwIcon } from "lucide-react";
import type { HealthReport, ProviderHealth, StorageUsage } from "@/contracts/health";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TableCell, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { ConfirmDialog } from "../confirm-dialog";
import { describeError } from "../describe-error";
import { ErrorState } from "../error-state";
import { formatDateTime, formatRelativeTime } from "../format";
import { useDialogSubject } from "../resource-list/use-dialog-subject";
import { useSession } from "../session-provider";
import { useNow } from "../use-now";
import { formatMs, formatPercent } from "../observability/format-metrics";
import { TableCard } from "../resource-list/table-card";
import type { LiveStatus } from "../observability/use-live-stream";
import { EjectDialog } from "./eject-dialog";
import { restoreProvider } from "./health-api";
import { formatCountdown, HealthStateBadge } from "./health-state-badge";
import { useHealthReport } from "./use-provider-health";

// The poll without the live stream (the header says how often).
const POLL_MS = 5_000;
const KNOWN_REASONS = [
  "consecutive_failures",
  "failure_rate",
  "trial_failed",
  "auth",
  "manual",
  "success_rate",
  "latency",
] as const;

/** A health reason in words (codes the console does not know yet are shown as they are). */
function reasonText(t: Translate, reason: string): string {
  const known = KNOWN_REASONS.find((code) => code === reason);
  return known ? t(`health.reason_${known}`) : reason;
}

/** Health: every provider's live state, per-group membership, and manual eject / restore for admins. */
export function HealthPage() {
  const { t, locale } = useI18n();
  const { user } = useSession();
  const canEdit = user?.role !== "viewer";
  const { health, live } = useHealthReport(POLL_MS);
  const { reload, setData } = health;
  const now = useNow(1_000);
  const ejecting = useDialogSubject<ProviderHealth>();
  const restoring = useDialogSubject<ProviderHealth>();
  const inFlightLive = new Map(live.traffic?.providers.map((p) => [p.providerId, p.inFlight]) ?? []);

  const replace = useCallback(
    (next: ProviderHealth) =>
      setData(
        (report) =>
          report && {
            ...report,
            providers: report.providers.map((p) => (p.providerId === next.providerId ? next : p)),
          },
      ),
    [setData],
  );

  const columns = [
    { label: t("health.provider") },
    { label: t("health.state") },
    { label: t("health.successRate"), className: "hidden text-right md:table-cell" },
    { label: t("health.latency"), className: "hidden text-right md:table-cell" },
    { label: t("health.inFlight"), className: "hidden text-right lg:table-cell" },
    { label: t("health.lastError"), className: "hidden lg:table-cell" },
    ...(canEdit ? [{ label: t("health.actions"), className: "w-0 text-right" }] : []),
  ];
  const data = health.data;
  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title={t("health.title")}
        description={t("health.description")}
        actions={
          <LiveIndicator
            status={live.status}
            report={data}
            now={now}
            onRefresh={reload}
            refreshing={health.isRefreshing}
          />
        }
      />
      {health.error && !data ? (
        <ErrorState message={describeError(t, health.error)} onRetry={reload} />
      ) : data && data.providers.length === 0 ? (
        <EmptyState
          icon={HeartPulseIcon}
          title={t("health.emptyTitle")}
          description={t("health.emptyText")}
        />
      ) : (
        <>
          <TableCard
            data-testid="health-providers"
            columns={columns}
            loading={!data}
            skeletonRows={3}
            skeletonClassName="h-8"
          >
            {data?.providers.map((provider) => {
              const until = provider.ejectedUntil ? Date.parse(provider.ejectedUntil) : null;
              const countdown = until === null ? null : formatCountdown(until, now);
              const out = provider.state === "ejected";
              return (
                <TableRow key={provider.providerId} data-testid="health-row" data-provider={provider.name}>
                  <TableCell>
                    <Link
                      href={`/providers/${provider.providerId}`}
                      className="font-medium outline-none hover:underline focus-visible:underline"
                    >
                      {provider.name}
                    </Link>
                    {!provider.enabled && (
                      <div className="text-xs text-muted-foreground">{t("health.disabled")}</div>
                    )}
                    <div className="text-xs text-muted-foreground tabular-nums md:hidden">
                      {formatPercent(locale, provider.successRate)} · {formatMs(locale, provider.latencyMs)}
                    </div>
                  </TableCell>
                  <TableCell>
                    <div className="flex flex-col items-start gap-1">
                      <HealthStateBadge state={provider.state} />
                      {provider.reason && (
                        <span className="text-xs text-muted-foreground">
                          {t("health.reasonLabel", { reason: reasonText(t, provider.reason) })}
                        </span>
                      )}
                      {out && (
                        <span
                          className="text-xs text-muted-foreground tabular-nums"
                          data-testid="eject-countdown"
                        >
                          {countdown
                            ? t("health.backIn", { time: countdown })
                            : until === null
                              ? t("health.untilRestored")
                              : t("health.trialSoon")}
                        </span>
                      )}
                    </div>
                  </TableCell>
                  <TableCell className="hidden text-right tabular-nums md:table-cell">
                    {formatPercent(locale, provider.successRate)}
                    <div className="text-xs text-muted-foreground">
                      {t("health.volume", { count: provider.volume })}
                    </div>
                  </TableCell>
                  <TableCell className="hidden text-right tabular-nums md:table-cell">
                    {formatMs(locale, provider.latencyMs)}
                  </TableCell>
                  <TableCell className="hidden text-right tabular-nums lg:table-cell">
                    {inFlightLive.get(provider.providerId) ?? provider.inFlight}
                  </TableCell>
                  <TableCell className="hidden text-xs lg:table-cell">
                    {provider.lastError ? (
                      <span title={formatDateTime(locale, provider.lastError.at)}>
                        {provider.lastError.code ?? `HTTP ${provider.lastError.status ?? "?"}`}
                        <span className="text-muted-foreground">
                          {" · "}
                          {formatRelativeTime(locale, provider.lastError.at, now)}
                        </span>
                      </span>
                    ) : (
                      <span className="text-muted-foreground">—</span>
                    )}
                  </TableCell>
                  {canEdit && (
                    <TableCell className="text-right">
                      {out ? (
                        <Button size="sm" variant="outline" onClick={() => restoring.show(provider)}>
                          {t("health.restore")}
                        </Button>
                      ) : (
                        <Button size="sm" variant="outline" onClick={() => ejecting.show(provider)}>
                          {t("health.eject")}
                        </Button>
                      )}
                    </TableCell>
                  )}
                </TableRow>
              );
            })}
          </TableCard>
          {data && data.groups.length > 0 && <GroupHealth report={data} />}
          {data?.storage && <StorageUsageCard storage={data.storage} />}
        </>
      )}
      <EjectDialog
        provider={ejecting.subject}
        open={ejecting.open}
        onOpenChange={ejecting.setOpen}
        onEjected={(next) => {
          replace(next);
          ejecting.setOpen(false);
          toast.success(t("health.ejectedToast", { name: next.name }));
          reload();
        }}
      />
      <ConfirmDialog
        open={restoring.open}
        onOpenChange={restoring.setOpen}
        destructive={false}
        title={t("health.restoreTitle", { name: restoring.subject?.name ?? "" })}
        description={t("health.restoreText")}
        confirmLabel={t("health.restore")}
        onConfirm={async () => {
          if (!restoring.subject) return;
          const next = await restoreProvider(restoring.subject.providerId);
          replace(next);
          restoring.setOpen(false);
          toast.success(t("health.restoredToast", { name: next.name }));
          reload();
        }}
      />
    </div>
  );
}

function LiveIndicator({
  status,
  report,
  now,
  onRefresh,
  refreshing,
}: {
  status: LiveStatus;
  report: HealthReport | undefined;
  now: number;
  onRefresh: () => void;
  refreshing: boolean;
}) {
  const { t, locale } = useI18n();
  return (
    <div className="flex items-center gap-3 text-xs text-muted-foreground">
      <span className="inline-flex items-center gap-1.5" data-testid="live-status" data-status={status}>
        <RadioIcon className={cn("size-3.5", status === "live" && "text-success")} aria-hidden />
        {status === "live" ? t("health.live") : t("health.polling", { seconds: POLL_MS / 1000 })}
      </span>
      {report && (
        <span className="hidden tabular-nums sm:inline" title={formatDateTime(locale, report.generatedAt)}>
          {t("health.updated", { time: formatRelativeTime(locale, report.generatedAt, now) })}
        </span>
      )}
      <Button
        size="icon"
        variant="ghost"
        onClick={onRefresh}
        disabled={refreshing}
        aria-label={t("health.refresh")}
      >
        <RefreshCwIcon />
      </Button>
    </div>
  );
}

function GroupHealth({ report }: { report: HealthReport }) {
  const { t, locale } = useI18n();
  return (
    <section className="flex flex-col gap-3">
      <h2 className="text-base font-semibold">{t("health.groupsTitle")}</h2>
      <div className="grid gap-4 lg:grid-cols-2">
        {report.groups.map((group) => (
          <Card key={group.groupId} className="gap-3" data-testid="health-group">
            <CardHeader className="flex flex-row items-start justify-between gap-2">
              <div className="grid gap-1">
                <CardTitle className="text-sm">{group.name}</CardTitle>
                <CardDescription className="font-mono text-xs">{group.slug}</CardDescription>
              </div>
              {group.panic && (
                <span className="rounded-md bg-destructive/15 px-2 py-0.5 text-xs font-medium text-destructive">
                  {t("health.panic")}
                </span>
              )}
            </CardHeader>
            <CardContent>
              {group.members.length === 0 ? (
                <p className="text-sm text-muted-foreground">{t("health.noMembers")}</p>
              ) : (
                <ul className="divide-y">
                  {group.members.map((member) => (
                    <li
                      key={member.providerId}
                      className="flex items-center justify-between gap-3 py-2 text-sm"
                    >
                      <div className="min-w-0">
                        <div className="truncate font-medium">{member.name}</div>
                        <div className="text-xs text-muted-foreground tabular-nums">
                          {t("health.memberMeta", { priority: member.priority, weight: member.weight })}
                          {" · "}
                          {formatPercent(locale, member.successRate)}
                          {!member.available && ` · ${t("health.notRouted")}`}
                          {member.trial && ` · ${t("health.trial")}`}
                        </div>
                      </div>
                      <HealthStateBadge state={member.state} />
                    </li>
                  ))}
                </ul>
              )}
            </CardContent>
          </Card>
        ))}
      </div>
    </section>
  );
}

/** 1536 → "1.5 KB": binary steps, one decimal, the locale's digits. */
function formatBytes(locale: string, bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

function StorageUsageCard({ storage }: { storage: StorageUsage }) {
  const { t, locale } = useI18n();
  const count = (n: number) => new Intl.NumberFormat(locale).format(n);
  const store = storage.stateStore;
  const memory =
    store.usedMemoryBytes === null
      ? null
      : store.maxMemoryBytes === null
        ? t("health.storageMemory", { used: formatBytes(locale, store.usedMemoryBytes) })
        : t("health.storageMemoryOf", {
            used: formatBytes(locale, store.usedMemoryBytes),
            max: formatBytes(locale, store.maxMemoryBytes),
          });
  const keys =
    store.keys === null
      ? null
      : store.kind === "redis" && store.prefixKeys !== null
        ? t("health.storagePrefixKeys", { keys: count(store.keys), prefixKeys: count(store.prefixKeys) })
        : t("health.storageKeys", { keys: count(store.keys) });
  return (
    <section className="flex flex-col gap-3" data-testid="health-storage">
      <h2 className="text-base font-semibold">{t("health.storageTitle")}</h2>
      <Card className="gap-2">
        <CardContent>
          <dl className="grid gap-2 text-sm sm:grid-cols-2">
            <div>
              <dt className="text-muted-foreground">
                {t("health.storageDatabase", { kind: storage.database.kind })}
              </dt>
              <dd className="tabular-nums">
                {storage.database.sizeBytes === null
                  ? t("health.storageUnknown")
                  : formatBytes(locale, storage.database.sizeBytes)}
              </dd>
            </div>
            <div>
              <dt className="text-muted-foreground">{t("health.storageStore", { kind: store.kind })}</dt>
              <dd className="tabular-nums">
                {[memory, keys].filter((part) => part !== null).join(" · ") || t("health.storageUnknown")}
              </dd>
            </div>
          </dl>
        </CardContent>
      </Card>
    </section>
  );
}
