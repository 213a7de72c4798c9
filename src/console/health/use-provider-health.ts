"use client";

import { useMemo } from "react";
import type { ProviderHealth } from "@/contracts/health";
import { endpoints } from "../endpoints";
import { useInterval } from "../observability/use-interval";
import { useLiveStream } from "../observability/use-live-stream";
import { useApiQuery } from "../use-api-query";
import { selectHealth } from "./health-api";

// With the live stream a transition triggers a reload at once; the slow poll only refreshes rates and latency.
const LIVE_POLL_MS = 30_000;
// Pages that only show a badge per provider can wait longer than the Health page itself.
const BADGE_POLL_MS = 10_000;

/**
 * The health report, reloaded on every transition the live health stream announces, and polled
 * every `pollMs` without the stream (every 30 s with it). Also answers the stream itself (status, traffic).
 */
export function useHealthReport(pollMs: number) {
  const health = useApiQuery(endpoints.health, selectHealth);
  const live = useLiveStream(health.reload);
  useInterval(health.reload, live.status === "live" ? LIVE_POLL_MS : pollMs);
  return { health, live };
}

/**
 * Every provider's current health by id, kept fresh by the live health stream (or polling without
 * it); undefined until the first answer. A failed load leaves it undefined: pages show their rows anyway.
 */
export function useProviderHealth(): ReadonlyMap<string, ProviderHealth> | undefined {
  const { health } = useHealthReport(BADGE_POLL_MS);
  return useMemo(
    () => (health.data ? new Map(health.data.providers.map((p) => [p.providerId, p])) : undefined),
    [health.data],
  );
}
