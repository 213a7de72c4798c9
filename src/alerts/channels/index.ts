import type { AlertChannelType } from "@/core/vocabulary/alert-channels";
import { dingTalkSender } from "./dingtalk";
import { emailSender } from "./email";
import { feishuSender } from "./feishu";
import type { AlertChannelSenders, ChannelConfigOf, AlertMessage, SendContext, SendResult } from "./types";
import { webhookSender } from "./webhook";

export type { AlertChannelSender, AlertChannelSenders, AlertMessage, SendContext, SendResult } from "./types";

/** The senders for every channel type. */
export const DEFAULT_SENDERS: AlertChannelSenders = {
  webhook: webhookSender,
  email: emailSender,
  dingtalk: dingTalkSender,
  feishu: feishuSender,
};

/** Sends `message` with the sender registered for the channel's type. */
export function sendWithChannel<T extends AlertChannelType>(
  senders: AlertChannelSenders,
  config: ChannelConfigOf<T>,
  message: AlertMessage,
  ctx: SendContext,
): Promise<SendResult> {
  const sender = senders[config.type as T];
  return sender.send(config, message, ctx);
}
