"use client";

import { useState } from "react";
import { BellIcon, PencilIcon, Trash2Icon } from "lucide-react";
import type { AlertChannel, AlertRule } from "@/contracts/alerts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { Switch } from "@/components/ui/switch";
import { TableCell, TableRow } from "@/components/ui/table";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { ConfirmDialog } from "../confirm-dialog";
import { endpoints } from "../endpoints";
import { selectGroups } from "../groups/group-api";
import { TableCard } from "../resource-list/table-card";
import { selectProviders } from "../providers/provider-api";
import { selectApiKeys } from "../api-keys/api-key-api";
import { AddButton } from "../resource-list/add-button";
import { ResourceStates } from "../resource-list/resource-states";
import { RowActionsMenu } from "../resource-list/row-actions-menu";
import { useDialogSubject } from "../resource-list/use-dialog-subject";
import { useOptimisticToggle, useResourceRows } from "../resource-list/use-resource-rows";
import { useSession } from "../session-provider";
import { useApiQuery } from "../use-api-query";
import { deleteRule, selectChannels, selectRules, setRuleEnabled } from "./alerts-api";
import { ChannelsPanel } from "./channels-panel";
import { HistoryPanel } from "./history-panel";
import { RuleDialog } from "./rule-dialog";
import { SeverityBadge } from "./severity-badge";

/** Alerts: rules, notification channels and the history of incidents with their deliveries. */
export function AlertsPage() {
  const { t } = useI18n();
  const [tab, setTab] = useState("rules");
  const channels = useApiQuery(endpoints.alertChannels, selectChannels);
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("alerts.title")} description={t("alerts.description")} />
      <Tabs value={tab} onValueChange={setTab}>
        <TabsList>
          <TabsTrigger value="rules">{t("alerts.tabRules")}</TabsTrigger>
          <TabsTrigger value="channels">{t("alerts.tabChannels")}</TabsTrigger>
          <TabsTrigger value="history">{t("alerts.tabHistory")}</TabsTrigger>
        </TabsList>
        <TabsContent value="rules" className="mt-2">
          <RulesPanel channels={channels.data ?? []} onShowChannels={() => setTab("channels")} />
        </TabsContent>
        <TabsContent value="channels" className="mt-2">
          <ChannelsPanel query={channels} />
        </TabsContent>
        <TabsContent value="history" className="mt-2">
          <HistoryPanel />
        </TabsContent>
      </Tabs>
    </div>
  );
}

/** One line saying what a rule watches. */
function describeCondition(
  t: Translate,
  rule: AlertRule,
  groupName: (id: string) => string,
  keyName: (id: string) => string,
): string {
  const c = rule.condition;
  switch (c.type) {
    case "provider_unhealthy":
      return t("alerts.summary_provider_unhealthy", {
        states: c.states.map((s) => t(`health.state_${s}`)).join(" / "),
        count: c.providerIds?.length ?? 0,
      });
    case "group_success_rate":
      return t("alerts.summary_group_success_rate", {
        group: groupName(c.groupId),
        percent: c.minSuccessRatePercent,
        minutes: c.windowMs / 60_000,
      });
    case "group_latency_p95":
      return t("alerts.summary_group_latency_p95", {
        group: groupName(c.groupId),
        ms: c.maxP95LatencyMs,
        minutes: c.windowMs / 60_000,
      });
    case "group_all_down":
      return t("alerts.summary_group_all_down", { group: groupName(c.groupId) });
    case "log_rows_dropped":
      return t("alerts.summary_log_rows_dropped", { count: c.minDropped, minutes: c.windowMs / 60_000 });
    case "quota_used":
      return t("alerts.summary_quota_used", {
        subject: c.keyId === null ? t("alerts.quotaSubjectTenant") : keyName(c.keyId),
        percent: c.minUsedPercent,
      });
  }
}

function RulesPanel({ channels, onShowChannels }: { channels: AlertChannel[]; onShowChannels: () => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const canEdit = user?.role !== "viewer";
  const rules = useApiQuery(endpoints.alertRules, selectRules);
  const groups = useApiQuery(endpoints.groups, selectGroups);
  const providers = useApiQuery(endpoints.providers, selectProviders);
  const keys = useApiQuery(endpoints.apiKeys, selectApiKeys);
  const editing = useDialogSubject<AlertRule>();
  const deleting = useDialogSubject<AlertRule>();
  const rows = useResourceRows<AlertRule>(rules.setData);
  const { pending, toggle } = useOptimisticToggle<AlertRule>({
    rows,
    save: (rule, enabled) => setRuleEnabled(rule.id, enabled),
    message: (rule, enabled) =>
      t(enabled ? "alerts.ruleEnabled" : "alerts.ruleDisabled", { name: rule.name }),
  });
  const groupName = (id: string) => groups.data?.find((g) => g.id === id)?.name ?? "—";
  const keyName = (id: string) => keys.data?.find((k) => k.id === id)?.name ?? "—";
  const channelName = (id: string) => channels.find((c) => c.id === id)?.name;

  const columns = [
    { label: t("alerts.columnRule") },
    { label: t("alerts.columnSeverity"), className: "hidden md:table-cell" },
    { label: t("alerts.columnChannels"), className: "hidden lg:table-cell" },
    { label: t("alerts.fieldEnabled") },
    ...(canEdit ? [{ label: t("common.actions"), className: "w-0 text-right" }] : []),
  ];

  const addButton = canEdit && <AddButton label={t("alerts.addRule")} onClick={() => editing.show()} />;

  return (
    <div className="flex flex-col gap-3">
      <ResourceStates
        query={rules}
        empty={{
          icon: BellIcon,
          title: t("alerts.rulesEmptyTitle"),
          description: channels.length === 0 ? t("alerts.rulesEmptyNoChannels") : t("alerts.rulesEmptyText"),
          action: (
            <>
              {addButton}
              {canEdit && channels.length === 0 && (
                <Button variant="outline" onClick={onShowChannels}>
                  {t("alerts.addChannel")}
                </Button>
              )}
            </>
          ),
        }}
      >
        <>
          {canEdit && <div className="flex justify-end">{addButton}</div>}
          <TableCard
            data-testid="alert-rules"
            columns={columns}
            loading={!rules.data}
            skeletonRows={2}
            skeletonClassName="h-8"
          >
            {rules.data?.map((rule) => (
              <TableRow key={rule.id}>
                <TableCell className="max-w-md">
                  <div className="font-medium">{rule.name}</div>
                  <div className="text-xs text-muted-foreground">
                    {describeCondition(t, rule, groupName, keyName)}
                  </div>
                </TableCell>
                <TableCell className="hidden md:table-cell">
                  <SeverityBadge severity={rule.severity} />
                </TableCell>
                <TableCell className="hidden lg:table-cell">
                  <div className="flex flex-wrap gap-1">
                    {rule.channelIds.length === 0 ? (
                      <span className="text-xs text-muted-foreground">{t("alerts.noChannels")}</span>
                    ) : (
                      rule.channelIds.map((id) => (
                        <Badge key={id} variant="outline">
                          {channelName(id) ?? "—"}
                        </Badge>
                      ))
                    )}
                  </div>
                </TableCell>
                <TableCell>
                  <Switch
                    checked={rule.enabled}
                    disabled={!canEdit || pending.has(rule.id)}
                    aria-label={t("alerts.enableRule", { name: rule.name })}
                    onCheckedChange={(enabled) => void toggle(rule, enabled)}
                  />
                </TableCell>
                {canEdit && (
                  <TableCell className="text-right">
                    <RowActionsMenu
                      label={t("alerts.ruleActions", { name: rule.name })}
                      actions={[
                        {
                          label: t("common.edit"),
                          icon: PencilIcon,
                          onSelect: () => editing.show(rule),
                        },
                        {
                          label: t("common.delete"),
                          icon: Trash2Icon,
                          destructive: true,
                          onSelect: () => deleting.show(rule),
                        },
                      ]}
                    />
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableCard>
        </>
      </ResourceStates>
      <RuleDialog
        open={editing.open}
        onOpenChange={editing.setOpen}
        rule={editing.subject}
        groups={groups.data ?? []}
        providers={providers.data ?? []}
        keys={keys.data ?? []}
        channels={channels}
        onSaved={(saved) => {
          rows.upsert(saved);
          editing.setOpen(false);
          toast.success(t(editing.subject ? "alerts.ruleSaved" : "alerts.ruleCreated", { name: saved.name }));
        }}
      />
      <ConfirmDialog
        open={deleting.open}
        onOpenChange={deleting.setOpen}
        title={t("alerts.deleteRuleTitle", { name: deleting.subject?.name ?? "" })}
        description={t("alerts.deleteRuleText")}
        confirmLabel={t("common.delete")}
        onConfirm={async () => {
          const rule = deleting.subject;
          if (!rule) return;
          await deleteRule(rule.id);
          rows.remove(rule.id);
          deleting.setOpen(false);
          toast.success(t("alerts.ruleDeleted", { name: rule.name }));
        }}
      />
    </div>
  );
}
