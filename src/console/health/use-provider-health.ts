"use client";

import { useMemo } from "react";
import type { ProviderHealth } from "@/contracts/health";
import { endpoints } from "../endpoints";
import { useInterval } from "../observability/use-interval";
import { useLiveStream } from "../observability/use-live-stream";
import { useApiQuery } from "../use-api-query";
import { selectHealth } from "./health-api";

// With the live stream a transition triggers a reload at once; the poll is the fallback without it.
const LIVE_POLL_MS = 30_000;
const POLL_MS = 10_000;

/**
 * Every provider's current health by id, kept fresh by the live health stream (or polling without
 * it); undefined until the first answer. A failed load leaves it undefined: pages show their rows anyway.
 */
export function useProviderHealth(): ReadonlyMap<string, ProviderHealth> | undefined {
  const health = useApiQuery(endpoints.health, selectHealth);
  const live = useLiveStream(health.reload);
  useInterval(health.reload, live.status === "live" ? LIVE_POLL_MS : POLL_MS);
  return useMemo(
    () => (health.data ? new Map(health.data.providers.map((p) => [p.providerId, p])) : undefined),
    [health.data],
  );
}
