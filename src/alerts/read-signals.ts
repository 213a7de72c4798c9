import { listSignalQueries, quotaSubjectKey, windowKey } from "@/core/alerts/observe";
import type {
  AlertRuleSpec,
  AlertSignals,
  GroupWindow,
  ProviderSignal,
  QuotaUsageReading,
  SignalReadings,
} from "@/core/alerts/types";
import type { Logger } from "@/observability/logger";

/**
 * Asks the signals for exactly what the enabled rules need. A signal that throws leaves its reading
 * out, which the evaluator treats as "unknown" (no fire, no resolve) — a broken metric source must
 * neither page everyone nor silently close open incidents.
 */
export async function readSignals(
  signals: AlertSignals,
  rules: readonly AlertRuleSpec[],
  groupNames: ReadonlyMap<string, string>,
  now: number,
  logger: Logger,
): Promise<SignalReadings> {
  const queries = listSignalQueries(rules);
  const attempt = async <T>(what: string, read: () => T | Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (err) {
      logger.warn({ signal: what, errName: (err as Error)?.name }, "alert signal could not be read");
      return undefined;
    }
  };

  let providers: readonly ProviderSignal[] | null = null;
  if (queries.providers)
    providers = (await attempt("providerStates", () => signals.providerStates())) ?? null;

  const groupWindows = new Map<string, GroupWindow>();
  for (const { groupId, windowMs } of queries.groupWindows) {
    const stats = await attempt("groupWindow", () => signals.groupWindow(groupId, windowMs));
    if (stats !== undefined) groupWindows.set(windowKey(groupId, windowMs), stats);
  }
  const groupsDown = new Map<string, boolean>();
  for (const groupId of queries.groupsDown) {
    const down = await attempt("groupProvidersDown", () => signals.groupProvidersDown(groupId));
    if (down !== undefined) groupsDown.set(groupId, down);
  }
  const droppedLogRows = new Map<number, number>();
  for (const windowMs of queries.droppedWindows) {
    const count = await attempt("droppedLogRows", () => signals.droppedLogRows(now - windowMs));
    if (count !== undefined) droppedLogRows.set(windowMs, count);
  }
  const quotaUsage = new Map<string, QuotaUsageReading | null>();
  for (const subject of queries.quotaSubjects) {
    const reading = await attempt("quotaUsage", () => signals.quotaUsage(subject));
    if (reading !== undefined) quotaUsage.set(quotaSubjectKey(subject), reading);
  }
  return { providers, groupWindows, groupsDown, droppedLogRows, groupNames, quotaUsage };
}
