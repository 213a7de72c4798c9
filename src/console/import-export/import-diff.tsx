"use client";

import type { ImportResult } from "@/contracts/config-document";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { useT } from "@/i18n/i18n-provider";
import type { MessageKey } from "@/i18n/types";

type Kind = "created" | "updated" | "unchanged" | "deleted" | "skipped";

const KIND_LABELS: Record<Kind, MessageKey> = {
  created: "importExport.kindCreated",
  updated: "importExport.kindUpdated",
  unchanged: "importExport.kindUnchanged",
  deleted: "importExport.kindDeleted",
  skipped: "importExport.kindSkipped",
};

const KIND_STYLES: Record<Kind, string> = {
  created: "text-success",
  updated: "text-primary",
  unchanged: "text-muted-foreground",
  deleted: "text-destructive",
  skipped: "text-amber-700 dark:text-warning",
};

const MARKS: Record<Kind, string> = {
  created: "+",
  updated: "~",
  unchanged: "=",
  deleted: "−",
  skipped: "!",
};

const SHOWN_NAMES = 12;

/** The diff of an import: per resource, the names created, updated, unchanged, deleted or skipped. */
export function ImportDiff({ result }: { result: ImportResult }) {
  const t = useT();
  const sections: { title: MessageKey; lists: Partial<Record<Kind, string[]>> }[] = [
    { title: "importExport.sectionProviders", lists: result.diff.providers },
    { title: "importExport.sectionGroups", lists: result.diff.groups },
    { title: "importExport.sectionApiKeys", lists: result.diff.apiKeys },
  ];
  return (
    <div className="grid gap-3 md:grid-cols-3" data-testid="import-diff">
      {sections.map((section) => {
        const entries = (Object.keys(KIND_LABELS) as Kind[])
          .map((kind) => ({ kind, names: section.lists[kind] }))
          .filter((entry): entry is { kind: Kind; names: string[] } => entry.names !== undefined);
        const total = entries.reduce((sum, entry) => sum + entry.names.length, 0);
        return (
          <section key={section.title} className="flex min-w-0 flex-col gap-3 rounded-lg border p-4">
            <h3 className="flex items-center justify-between text-sm font-semibold">
              {t(section.title)}
              <span className="text-xs font-normal text-muted-foreground tabular-nums">{total}</span>
            </h3>
            <div className="flex flex-wrap gap-1.5">
              {entries.map(({ kind, names }) => (
                <Badge
                  key={kind}
                  variant="outline"
                  className={cn("tabular-nums", names.length === 0 && "opacity-50")}
                  data-kind={kind}
                >
                  <span className={KIND_STYLES[kind]} aria-hidden>
                    {MARKS[kind]}
                  </span>
                  {t(KIND_LABELS[kind])} {names.length}
                </Badge>
              ))}
            </div>
            <ul className="grid gap-1 text-sm">
              {entries
                .filter(({ kind }) => kind !== "unchanged")
                .flatMap(({ kind, names }) =>
                  names.slice(0, SHOWN_NAMES).map((name) => (
                    <li key={`${kind}:${name}`} className="flex min-w-0 items-center gap-2">
                      <span
                        className={cn("w-3 shrink-0 text-center font-mono font-semibold", KIND_STYLES[kind])}
                        aria-hidden
                      >
                        {MARKS[kind]}
                      </span>
                      <span className="sr-only">{t(KIND_LABELS[kind])}:</span>
                      <span className="truncate font-mono text-xs">{name}</span>
                    </li>
                  )),
                )}
              {entries.some(({ kind, names }) => kind !== "unchanged" && names.length > SHOWN_NAMES) && (
                <li className="text-xs text-muted-foreground">{t("importExport.moreNames")}</li>
              )}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
