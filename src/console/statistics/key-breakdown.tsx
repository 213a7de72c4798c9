"use client";

import type { StatsKeySplitEntry } from "@/contracts/stats";
import { useI18n } from "@/i18n/i18n-provider";
import { SplitTable } from "./split-table";

function KeyName({ entry }: { entry: StatsKeySplitEntry }) {
  const { t } = useI18n();
  if (entry.id === null) return <span className="text-muted-foreground">{t("stats.noKey")}</span>;
  // A deleted key keeps its statistics; its id fragment tells several deleted keys apart.
  const name = entry.name ?? t("stats.deletedKey");
  const detail = entry.keyMasked ?? entry.id.slice(0, 8);
  return (
    <div className="flex flex-col">
      <span className={entry.name === null ? "text-muted-foreground italic" : undefined}>{name}</span>
      <span className="font-mono text-xs font-normal text-muted-foreground" title={entry.id}>
        {detail}
      </span>
    </div>
  );
}

/** The Statistics page's per-key table: each gateway key's requests, errors, latency and tokens. */
export function KeyBreakdown({
  entries,
  locale,
}: {
  /** Undefined while the first answer is loading. */
  entries: readonly StatsKeySplitEntry[] | undefined;
  locale: string;
}) {
  const { t } = useI18n();
  return (
    <SplitTable
      title={t("stats.byKey")}
      nameLabel={t("stats.key")}
      entries={entries}
      locale={locale}
      emptyText={t("observe.noData")}
      testId="stats-keys"
      renderName={(entry) => <KeyName entry={entry} />}
    />
  );
}
