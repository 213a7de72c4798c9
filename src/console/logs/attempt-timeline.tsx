"use client";

import type { AttemptView } from "@/contracts/logs";
import { cn } from "@/components/ui/cn";
import { useI18n } from "@/i18n/i18n-provider";
import { formatMs } from "../observability/format-metrics";

const OUTCOME_COLOURS: Record<AttemptView["outcome"], string> = {
  success: "bg-success",
  failure: "bg-destructive",
  client_error: "bg-warning",
  aborted: "bg-muted-foreground",
};

/** The share of `total` at `ms`, as a CSS percentage. */
function at(ms: number, total: number): string {
  return `${Math.min(100, Math.max(0, (ms / total) * 100))}%`;
}

/**
 * The attempts of one request as a timing diagram: one row per attempt on a shared ms axis, a pale
 * bar for connecting, a mid one for waiting on the first byte, a solid one for the body, coloured by
 * outcome.
 */
export function AttemptTimeline({ attempts, totalMs }: { attempts: AttemptView[]; totalMs: number }) {
  const { t, locale } = useI18n();
  const total = Math.max(totalMs, ...attempts.map((a) => a.endMs), 1);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((share) => share * total);
  return (
    <div className="flex flex-col gap-2" data-testid="attempt-timeline">
      <ol className="flex flex-col gap-3">
        {attempts.map((attempt, index) => {
          const connect = attempt.connectMs ?? attempt.endMs;
          const firstByte = attempt.firstByteMs ?? attempt.endMs;
          const colour = OUTCOME_COLOURS[attempt.outcome];
          const phases = [
            { from: attempt.startMs, to: connect, className: "opacity-35", label: t("logs.phaseConnect") },
            { from: connect, to: firstByte, className: "opacity-60", label: t("logs.phaseWait") },
            { from: firstByte, to: attempt.endMs, className: "", label: t("logs.phaseBody") },
          ];
          return (
            <li key={index} className="grid gap-1">
              <div className="flex items-baseline justify-between gap-2 text-xs">
                <span className="truncate font-medium">
                  {index + 1}. {attempt.provider}
                </span>
                <span className="shrink-0 text-muted-foreground tabular-nums">
                  {t(`logs.outcome_${attempt.outcome}`)}
                  {attempt.status !== null && ` · ${attempt.status}`}
                  {attempt.errorCode && ` · ${attempt.errorCode}`} · {formatMs(locale, attempt.durationMs)}
                </span>
              </div>
              <div
                className="relative h-4 rounded-sm bg-muted"
                role="img"
                aria-label={t("logs.attemptSummary", {
                  start: formatMs(locale, attempt.startMs),
                  connect: formatMs(locale, attempt.connectMs),
                  firstByte: formatMs(locale, attempt.firstByteMs),
                  end: formatMs(locale, attempt.endMs),
                })}
              >
                {phases.map((phase) =>
                  phase.to > phase.from ? (
                    <span
                      key={phase.label}
                      title={`${phase.label}: ${formatMs(locale, phase.to - phase.from)}`}
                      className={cn("absolute inset-y-0", colour, phase.className)}
                      style={{ left: at(phase.from, total), width: at(phase.to - phase.from, total) }}
                    />
                  ) : null,
                )}
                {attempt.endMs === attempt.startMs && (
                  <span
                    className={cn("absolute inset-y-0 w-0.5", colour)}
                    style={{ left: at(attempt.startMs, total) }}
                  />
                )}
              </div>
              <p className="text-[11px] text-muted-foreground tabular-nums">
                {t("logs.attemptTimes", {
                  connect: formatMs(locale, attempt.connectMs),
                  firstByte: formatMs(locale, attempt.firstByteMs),
                  end: formatMs(locale, attempt.endMs),
                })}
              </p>
            </li>
          );
        })}
      </ol>
      <div className="relative h-4 border-t text-[10px] text-muted-foreground tabular-nums" aria-hidden>
        {ticks.map((tick, index) => (
          <span
            key={index}
            className={cn(
              "absolute top-0.5 whitespace-nowrap",
              index === 0 ? "" : index === ticks.length - 1 ? "-translate-x-full" : "-translate-x-1/2",
            )}
            style={{ left: at(tick, total) }}
          >
            {formatMs(locale, tick)}
          </span>
        ))}
      </div>
      <div className="flex flex-wrap gap-3 text-[11px] text-muted-foreground">
        {(["connect", "wait", "body"] as const).map((phase, index) => (
          <span key={phase} className="inline-flex items-center gap-1">
            <span
              className={cn("size-2.5 rounded-sm bg-foreground", ["opacity-35", "opacity-60", ""][index])}
            />
            {t(
              phase === "connect"
                ? "logs.phaseConnect"
                : phase === "wait"
                  ? "logs.phaseWait"
                  : "logs.phaseBody",
            )}
          </span>
        ))}
      </div>
    </div>
  );
}
