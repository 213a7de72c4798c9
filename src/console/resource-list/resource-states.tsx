"use client";

import type { ReactNode } from "react";
import { EmptyState, type EmptyStateProps } from "@/components/ui/empty-state";
import { useT } from "@/i18n/i18n-provider";
import { describeError } from "../describe-error";
import { ErrorState } from "../error-state";
import type { ApiQuery } from "../use-api-query";

/**
 * A list's three faces: the load error with a retry (only while nothing is shown), the empty state
 * saying what to do next, or the list itself (which draws its own skeleton while loading).
 */
export function ResourceStates<T>({
  query,
  empty,
  children,
}: {
  query: Pick<ApiQuery<readonly T[]>, "data" | "error" | "reload">;
  empty: EmptyStateProps;
  children: ReactNode;
}) {
  const t = useT();
  if (query.error && !query.data) {
    return <ErrorState message={describeError(t, query.error)} onRetry={query.reload} />;
  }
  if (query.data && query.data.length === 0) return <EmptyState {...empty} />;
  return <>{children}</>;
}
