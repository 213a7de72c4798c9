"use client";

import { useState } from "react";
import { LoaderCircleIcon, PencilIcon, SendIcon, Trash2Icon, WebhookIcon } from "lucide-react";
import type { AlertChannel } from "@/contracts/alerts";
import { channelViewKey, listChannelFields, type ChannelFieldKind } from "@/core/vocabulary/alert-channels";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TableCell, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toaster";
import { useI18n } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { ConfirmDialog } from "../confirm-dialog";
import { describeError } from "../describe-error";
import { TableCard } from "../resource-list/table-card";
import { AddButton } from "../resource-list/add-button";
import { ResourceStates } from "../resource-list/resource-states";
import { useDialogSubject } from "../resource-list/use-dialog-subject";
import { useResourceRows } from "../resource-list/use-resource-rows";
import { useSession } from "../session-provider";
import type { ApiQuery } from "../use-api-query";
import { deleteChannel, testChannel } from "./alerts-api";
import { ChannelDialog } from "./channel-dialog";

/** Where a channel sends, without its secrets (the API only gives masked values), read by field kind. */
function describeTarget(t: Translate, channel: AlertChannel): string {
  const view: Readonly<Record<string, unknown>> = channel.config;
  const shown = (kind: ChannelFieldKind): unknown => {
    const field = listChannelFields(channel.type).find(([, spec]) => spec.kind === kind);
    return field ? view[channelViewKey(...field)] : undefined;
  };
  const url = shown("secretUrl");
  if (typeof url === "string") return url + (shown("secret") === true ? ` · ${t("alerts.signed")}` : "");
  const to = shown("emailList");
  if (!Array.isArray(to)) return "";
  return t("alerts.emailTarget", { count: to.length, host: String(shown("host") ?? "") });
}

/** The channels list with create, edit, delete and "send test". */
export function ChannelsPanel({ query }: { query: ApiQuery<AlertChannel[]> }) {
  const { t } = useI18n();
  const { user } = useSession();
  const canEdit = user?.role !== "viewer";
  const editing = useDialogSubject<AlertChannel>();
  const deleting = useDialogSubject<AlertChannel>();
  const [testing, setTesting] = useState<string | null>(null);
  const rows = useResourceRows<AlertChannel>(query.setData);

  async function sendTest(channel: AlertChannel) {
    setTesting(channel.id);
    try {
      const delivery = await testChannel(channel.id);
      if (delivery.status === "delivered") {
        toast.success(t("alerts.testDelivered", { name: channel.name, ms: delivery.durationMs ?? 0 }));
      } else {
        const reason =
          delivery.lastError ?? (delivery.lastStatusCode ? `HTTP ${delivery.lastStatusCode}` : "—");
        toast.error(t("alerts.testFailed", { name: channel.name, reason }));
      }
    } catch (error) {
      toast.error(describeError(t, error));
    } finally {
      setTesting(null);
    }
  }

  const columns = [
    { label: t("alerts.columnChannel") },
    { label: t("alerts.columnTarget"), className: "hidden md:table-cell" },
    { label: t("alerts.fieldEnabled") },
    ...(canEdit ? [{ label: t("common.actions"), className: "w-0 text-right" }] : []),
  ];

  const addButton = canEdit && <AddButton label={t("alerts.addChannel")} onClick={() => editing.show()} />;

  return (
    <div className="flex flex-col gap-3">
      <ResourceStates
        query={query}
        empty={{
          icon: WebhookIcon,
          title: t("alerts.channelsEmptyTitle"),
          description: t("alerts.channelsEmptyText"),
          action: addButton,
        }}
      >
        <>
          {canEdit && <div className="flex justify-end">{addButton}</div>}
          <TableCard
            data-testid="alert-channels"
            columns={columns}
            loading={!query.data}
            skeletonRows={2}
            skeletonClassName="h-8"
          >
            {query.data?.map((channel) => (
              <TableRow key={channel.id}>
                <TableCell>
                  <div className="font-medium">{channel.name}</div>
                  <div className="text-xs text-muted-foreground">{t(`alerts.channel_${channel.type}`)}</div>
                  <div className="max-w-56 truncate font-mono text-xs text-muted-foreground md:hidden">
                    {describeTarget(t, channel)}
                  </div>
                </TableCell>
                <TableCell className="hidden max-w-80 truncate font-mono text-xs md:table-cell">
                  {describeTarget(t, channel)}
                </TableCell>
                <TableCell>
                  <Badge variant={channel.enabled ? "success" : "secondary"}>
                    {channel.enabled ? t("common.enabled") : t("common.disabled")}
                  </Badge>
                </TableCell>
                {canEdit && (
                  <TableCell className="text-right">
                    <div className="flex justify-end gap-1">
                      <Button
                        variant="outline"
                        size="sm"
                        disabled={testing !== null}
                        onClick={() => void sendTest(channel)}
                      >
                        {testing === channel.id ? (
                          <LoaderCircleIcon className="animate-spin" />
                        ) : (
                          <SendIcon />
                        )}
                        <span className="hidden sm:inline">{t("alerts.sendTest")}</span>
                        <span className="sr-only sm:hidden">{t("alerts.sendTest")}</span>
                      </Button>
                      <Button
                        variant="ghost"
                        size="icon"
                        aria-label={t("alerts.editChannel", { name: channel.name })}
                        onClick={() => editing.show(channel)}
                      >
                        <PencilIcon />
                      </Button>
                      <Button
                        variant="ghost"
                        size="icon"
                        aria-label={t("alerts.deleteChannelTitle", { name: channel.name })}
                        onClick={() => deleting.show(channel)}
                      >
                        <Trash2Icon />
                      </Button>
                    </div>
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableCard>
        </>
      </ResourceStates>
      <ChannelDialog
        open={editing.open}
        onOpenChange={editing.setOpen}
        channel={editing.subject}
        onSaved={(saved) => {
          rows.upsert(saved);
          editing.setOpen(false);
          toast.success(
            t(editing.subject ? "alerts.channelSaved" : "alerts.channelCreated", { name: saved.name }),
          );
        }}
      />
      <ConfirmDialog
        open={deleting.open}
        onOpenChange={deleting.setOpen}
        title={t("alerts.deleteChannelTitle", { name: deleting.subject?.name ?? "" })}
        description={t("alerts.deleteChannelText")}
        confirmLabel={t("common.delete")}
        onConfirm={async () => {
          const channel = deleting.subject;
          if (!channel) return;
          await deleteChannel(channel.id);
          rows.remove(channel.id);
          deleting.setOpen(false);
          toast.success(t("alerts.channelDeleted", { name: channel.name }));
        }}
      />
    </div>
  );
}
