"use client";

import { Badge } from "@/components/ui/badge";
import { useT } from "@/i18n/i18n-provider";
import type { BodyDiffView, JsonChangeView } from "../log-debug-api";
import { LineDiffTable } from "./line-diff-table";
import { ADDED_TEXT, REMOVED_TEXT } from "./diff-colours";

/** Longest JSON value shown inline in a change row. */
const MAX_VALUE_CHARS = 240;

function showValue(value: unknown): string {
  const text = value === undefined ? "undefined" : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

const OP_VARIANTS = { add: "success", remove: "destructive", replace: "outline" } as const;

function JsonChanges({ changes, truncated }: { changes: readonly JsonChangeView[]; truncated: boolean }) {
  const t = useT();
  if (changes.length === 0) return <p className="text-sm text-muted-foreground">{t("debug.bodiesEqual")}</p>;
  return (
    <div className="flex flex-col gap-2">
      <ul className="flex flex-col divide-y rounded-md border text-xs" data-testid="json-changes">
        {changes.map((change) => (
          <li
            key={`${change.op}${change.path}`}
            className="grid gap-1 p-2 sm:grid-cols-[7rem_minmax(0,16rem)_1fr]"
          >
            <span>
              <Badge
                variant={OP_VARIANTS[change.op]}
                className={change.op === "remove" ? REMOVED_TEXT : undefined}
              >
                {t(`debug.op_${change.op}`)}
              </Badge>
            </span>
            <code className="font-mono break-all">{change.path || "/"}</code>
            <span className="font-mono break-all">
              {change.op === "replace" ? (
                <>
                  <span className={`${REMOVED_TEXT} line-through decoration-destructive/50`}>
                    {showValue(change.from)}
                  </span>{" "}
                  → <span className={ADDED_TEXT}>{showValue(change.to)}</span>
                </>
              ) : (
                showValue(change.value)
              )}
            </span>
          </li>
        ))}
      </ul>
      {truncated && <p className="text-xs text-muted-foreground">{t("debug.changesTruncated")}</p>}
    </div>
  );
}

/** The body diff: JSON by pointer, text by lines, event streams by sequence and by their text. */
export function BodyDiff({ diff }: { diff: BodyDiffView }) {
  const t = useT();
  switch (diff.kind) {
    case "none":
      return <p className="text-sm text-muted-foreground">{t("debug.noBodies")}</p>;
    case "json":
      return <JsonChanges changes={diff.changes} truncated={diff.truncated} />;
    case "text":
      return <LineDiffTable lines={diff.lines} label={t("debug.bodyLines")} testId="body-lines" />;
    case "sse":
      return (
        <div className="flex flex-col gap-4">
          <p className="text-sm text-muted-foreground">
            {t("debug.eventCounts", { a: diff.events.a, b: diff.events.b })}
          </p>
          <div className="flex flex-col gap-2">
            <h4 className="text-xs font-semibold">{t("debug.eventSequence")}</h4>
            <LineDiffTable lines={diff.sequence} label={t("debug.eventSequence")} testId="sse-sequence" />
          </div>
          <div className="flex flex-col gap-2">
            <h4 className="text-xs font-semibold">{t("debug.eventText")}</h4>
            <LineDiffTable lines={diff.text} label={t("debug.eventText")} testId="sse-text" />
          </div>
        </div>
      );
  }
}
