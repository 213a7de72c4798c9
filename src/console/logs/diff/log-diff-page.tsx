"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { ArrowLeftIcon, GitCompareArrowsIcon } from "lucide-react";
import { logDetailSchema, type LogDetail } from "@/contracts/logs";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { useT } from "@/i18n/i18n-provider";
import { readOne } from "../../api-client";
import { describeError } from "../../describe-error";
import { endpoints } from "../../endpoints";
import { ErrorState } from "../../error-state";
import { useApiQuery } from "../../use-api-query";
import { selectDiff } from "../log-debug-api";
import { BodyDiff } from "./body-diff-view";
import { DiffSummary } from "./diff-summary";
import { HeaderDiffTable } from "./header-diff-table";

function selectDetail(body: unknown): LogDetail {
  return readOne(body, logDetailSchema);
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>{children}</CardContent>
    </Card>
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
  const logA = useApiQuery(endpoints.log(a), selectDetail);
  const logB = useApiQuery(endpoints.log(b), selectDetail);
  const diff = useApiQuery(endpoints.logDiff(a, b), selectDiff);
  const failed = [logA, logB, diff].find((query) => query.error && !query.data);
  if (failed?.error) {
    return (
      <ErrorState
        message={describeError(t, failed.error)}
        onRetry={() => [logA, logB, diff].forEach((query) => query.reload())}
      />
    );
  }
  if (!logA.data || !logB.data || !diff.data) {
    return (
      <div className="flex flex-col gap-4">
        <Skeleton className="h-56 w-full" />
        <Skeleton className="h-32 w-full" />
        <Skeleton className="h-48 w-full" />
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-6" data-testid="log-diff">
      <DiffSummary a={logA.data} b={logB.data} diff={diff.data} />
      <Section title={t("debug.headersTitle")}>
        <HeaderDiffTable diff={diff.data.headers} />
      </Section>
      <Section title={t("debug.bodyTitle")}>
        <BodyDiff diff={diff.data.body} />
      </Section>
    </div>
  );
}
