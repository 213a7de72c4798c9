"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { ArrowLeftIcon, GitCompareArrowsIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { useT } from "@/i18n/i18n-provider";
import { describeError } from "../../describe-error";
import { endpoints } from "../../endpoints";
import { ErrorState } from "../../error-state";
import { useApiQuery } from "../../use-api-query";
import { selectDiff, type LogDiffView } from "../log-debug-api";
import { BodyDiff } from "./body-diff-view";
import { DiffSummary, TimingsSideBySide } from "./diff-summary";
import { HeaderDiffTable } from "./header-diff-table";

function Section({
  title,
  description,
  testId,
  children,
}: {
  title: string;
  description?: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <Card data-testid={testId}>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        {description && <CardDescription>{description}</CardDescription>}
      </CardHeader>
      <CardContent className="flex flex-col gap-4">{children}</CardContent>
    </Card>
  );
}

function Truncated({ flags }: { flags: { a: boolean; b: boolean } }) {
  const t = useT();
  if (!flags.a && !flags.b) return null;
  return (
    <p className="text-xs text-muted-foreground">
      {t("debug.truncatedSides", { sides: [flags.a && "A", flags.b && "B"].filter(Boolean).join(", ") })}
    </p>
  );
}

/** Two requests compared side by side: status, headers, body and timings (A is usually the original). */
export function LogDiffPage({ a, b }: { a: string | undefined; b: string | undefined }) {
  const t = useT();
  const back = (
    <Button asChild variant="outline" size="sm">
      <Link href="/logs">
        <ArrowLeftIcon aria-hidden />
        {t("debug.backToLogs")}
      </Link>
    </Button>
  );
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("debug.diffTitle")} description={t("debug.diffDescription")} actions={back} />
      {a && b ? (
        <DiffBody key={`${a}/${b}`} a={a} b={b} />
      ) : (
        <EmptyState
          icon={GitCompareArrowsIcon}
          title={t("debug.pickTwoTitle")}
          description={t("debug.pickTwoText")}
        />
      )}
    </div>
  );
}

function DiffBody({ a, b }: { a: string; b: string }) {
  const t = useT();
  const query = useApiQuery(endpoints.logDiff(a, b), selectDiff);
  if (query.error && !query.data) {
    return <ErrorState message={describeError(t, query.error)} onRetry={query.reload} />;
  }
  if (!query.data) {
    return (
      <div className="flex flex-col gap-4">
        <Skeleton className="h-56 w-full" />
        <Skeleton className="h-32 w-full" />
        <Skeleton className="h-48 w-full" />
      </div>
    );
  }
  return <DiffSections diff={query.data} />;
}

function DiffSections({ diff }: { diff: LogDiffView }) {
  const t = useT();
  return (
    <div className="flex flex-col gap-6" data-testid="log-diff">
      <DiffSummary diff={diff} />
      <Section title={t("debug.timingsTitle")}>
        <TimingsSideBySide diff={diff} />
      </Section>
      {diff.response ? (
        <Section title={t("debug.responseTitle")} testId="diff-response">
          <h4 className="text-xs font-semibold">{t("debug.headersTitle")}</h4>
          <HeaderDiffTable diff={diff.response.headers} />
          <h4 className="text-xs font-semibold">{t("debug.bodyTitle")}</h4>
          <BodyDiff diff={diff.response.body} />
          <Truncated flags={diff.response.truncated} />
        </Section>
      ) : (
        <p className="text-sm text-muted-foreground">
          {diff.responseWithheld ? t("debug.responseWithheld") : t("debug.notCapturedSides")}
        </p>
      )}
      {diff.request && (
        <Section
          title={t("debug.requestTitle")}
          description={t("debug.requestDescription")}
          testId="diff-request"
        >
          <h4 className="text-xs font-semibold">{t("debug.headersTitle")}</h4>
          <HeaderDiffTable diff={diff.request.headers} />
          <h4 className="text-xs font-semibold">{t("debug.bodyTitle")}</h4>
          <BodyDiff diff={diff.request.body} />
          <Truncated flags={diff.request.truncated} />
        </Section>
      )}
    </div>
  );
}
