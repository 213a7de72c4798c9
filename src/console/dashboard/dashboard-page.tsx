"use client";

import Link from "next/link";
import {
  ActivityIcon,
  DollarSignIcon,
  BoxesIcon,
  CircleCheckIcon,
  CircleIcon,
  KeyRoundIcon,
  ServerIcon,
  type LucideIcon,
} from "lucide-react";
import { overviewSchema, type Overview } from "@/contracts/overview";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/components/ui/cn";
import { useI18n } from "@/i18n/i18n-provider";
import type { MessageKey } from "@/i18n/types";
import { describeError } from "../describe-error";
import { endpoints } from "../endpoints";
import { ErrorState } from "../error-state";
import { formatCount, formatUsd } from "../format";
import { useApiQuery } from "../use-api-query";
import { TrafficPanel } from "./traffic-panel";

function selectOverview(body: unknown): Overview {
  return overviewSchema.parse(body);
}

type CountKey = "providers" | "groups" | "apiKeys";

const CARDS: { key: CountKey; label: MessageKey; href: string; icon: LucideIcon }[] = [
  { key: "providers", label: "dashboard.providers", href: "/providers", icon: ServerIcon },
  { key: "groups", label: "dashboard.groups", href: "/groups", icon: BoxesIcon },
  { key: "apiKeys", label: "dashboard.apiKeys", href: "/api-keys", icon: KeyRoundIcon },
];

const STEPS: { key: CountKey; label: MessageKey; href: string }[] = [
  { key: "providers", label: "dashboard.stepProviders", href: "/providers" },
  { key: "groups", label: "dashboard.stepGroups", href: "/groups" },
  { key: "apiKeys", label: "dashboard.stepKeys", href: "/api-keys" },
];

/** The dashboard: configuration counts and, until everything exists, the first steps. */
export function DashboardPage() {
  const { t, locale } = useI18n();
  const overview = useApiQuery(endpoints.overview, selectOverview);
  const data = overview.data;
  const setupDone = data ? STEPS.every((step) => data[step.key].total > 0) : true;

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("dashboard.title")} description={t("dashboard.description")} />
      {overview.error && !data ? (
        <ErrorState message={describeError(t, overview.error)} onRetry={overview.reload} />
      ) : (
        <>
          <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-5">
            {CARDS.map(({ key, label, href, icon: Icon }) => (
              <Link
                key={key}
                href={href}
                className="group rounded-xl outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
              >
                <Card className="h-full gap-3 transition-colors group-hover:border-primary/40">
                  <CardHeader className="flex flex-row items-center justify-between">
                    <CardDescription className="font-medium">{t(label)}</CardDescription>
                    <Icon
                      className="size-4 text-muted-foreground transition-colors group-hover:text-primary"
                      aria-hidden
                    />
                  </CardHeader>
                  <StatFigures
                    figures={
                      data && {
                        value: formatCount(locale, data[key].total),
                        detail: t("dashboard.enabledOf", {
                          enabled: data[key].enabled,
                          disabled: data[key].disabled,
                        }),
                      }
                    }
                  />
                </Card>
              </Link>
            ))}
            <FigureCard
              label={t("dashboard.requests")}
              icon={ActivityIcon}
              testId="requests-card"
              valueTestId="requests-count"
              figures={
                data && {
                  value: formatCount(locale, data.requests.last24h),
                  detail: t("dashboard.requestsFailed", {
                    failed: formatCount(locale, data.requests.failedLast24h),
                  }),
                }
              }
            />
            <FigureCard
              label={t("dashboard.spendToday")}
              icon={DollarSignIcon}
              testId="spend-card"
              valueTestId="spend-today"
              figures={
                data && {
                  value: formatUsd(locale, data.spend.todayUsd),
                  detail: t("dashboard.spendMonth", {
                    month: formatUsd(locale, data.spend.monthUsd),
                    zone: data.spend.timeZone,
                  }),
                }
              }
            />
          </div>

          {data && !setupDone && (
            <Card>
              <CardHeader>
                <CardTitle>{t("dashboard.gettingStarted")}</CardTitle>
                <CardDescription>{t("dashboard.gettingStartedText")}</CardDescription>
              </CardHeader>
              <CardContent>
                <ol className="grid gap-2">
                  {STEPS.map((step, index) => {
                    const done = data[step.key].total > 0;
                    const Mark = done ? CircleCheckIcon : CircleIcon;
                    return (
                      <li key={step.key}>
                        <Link
                          href={step.href}
                          className="flex items-start gap-3 rounded-md p-2 text-sm outline-none hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50"
                        >
                          <Mark
                            className={cn(
                              "mt-0.5 size-4 shrink-0",
                              done ? "text-success" : "text-muted-foreground",
                            )}
                            aria-hidden
                          />
                          <span
                            className={cn(
                              done && "text-muted-foreground line-through decoration-muted-foreground/40",
                            )}
                          >
                            <span className="sr-only">{index + 1}. </span>
                            {t(step.label)}
                          </span>
                        </Link>
                      </li>
                    );
                  })}
                </ol>
              </CardContent>
            </Card>
          )}

          <TrafficPanel />
        </>
      )}
    </div>
  );
}

/** A dashboard card that is not a link: a label with its icon, the big number and the line under it. */
function FigureCard({
  label,
  icon: Icon,
  testId,
  valueTestId,
  figures,
}: {
  label: string;
  icon: LucideIcon;
  testId: string;
  valueTestId: string;
  figures: { value: string; detail: string } | undefined;
}) {
  return (
    <Card className="h-full gap-3" data-testid={testId}>
      <CardHeader className="flex flex-row items-center justify-between">
        <CardDescription className="font-medium">{label}</CardDescription>
        <Icon className="size-4 text-muted-foreground" aria-hidden />
      </CardHeader>
      <StatFigures valueTestId={valueTestId} figures={figures} />
    </Card>
  );
}

/** A card's big number and the line under it; skeletons until the overview has loaded. */
function StatFigures({
  figures,
  valueTestId,
}: {
  figures: { value: string; detail: string } | undefined;
  valueTestId?: string;
}) {
  return (
    <CardContent className="flex flex-col gap-1">
      {figures ? (
        <>
          <p className="text-3xl font-semibold tracking-tight tabular-nums" data-testid={valueTestId}>
            {figures.value}
          </p>
          <p className="text-xs text-muted-foreground tabular-nums">{figures.detail}</p>
        </>
      ) : (
        <>
          <Skeleton className="h-9 w-16" />
          <Skeleton className="h-3.5 w-32" />
        </>
      )}
    </CardContent>
  );
}
