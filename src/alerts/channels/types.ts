import type { AlertChannelConfig } from "@/contracts/alerts";
import type { OutboundPolicy } from "@/core/outbound/allow-list";
import type { AlertEvent } from "@/core/vocabulary/alerts";
import type { AlertChannelType } from "@/core/vocabulary/alert-channels";

/** What a notice says, as stored on the delivery row; every retry sends the same message. */
export interface AlertMessage {
  readonly event: AlertEvent;
  readonly incidentId: number | null;
  readonly rule: {
    readonly id: string | null;
    readonly name: string;
    readonly type: string;
    readonly severity: string;
  };
  readonly subject: { readonly key: string; readonly name: string };
  readonly summary: string;
  readonly value: number | null;
  readonly threshold: number | null;
  /** ISO-8601. */
  readonly firedAt: string;
  readonly resolvedAt: string | null;
  readonly reason: string | null;
}

export interface SendContext {
  /** The delivery row id (the webhook sends it so receivers can drop duplicates of a retry). */
  readonly deliveryId: number | null;
  /** Clock in ms: signing timestamps come from it. */
  readonly now: () => number;
  /** Bound on connecting, waiting and reading the answer. */
  readonly timeoutMs: number;
  /** Where a channel may connect (OUTBOUND_ALLOW): checked and pinned on every send. */
  readonly outbound: OutboundPolicy;
}

export type SendResult =
  | { readonly ok: true; readonly statusCode: number | null }
  | {
      readonly ok: false;
      readonly statusCode: number | null;
      /** Short, secret-free description. */
      readonly error: string;
      /** False when a retry cannot help (a 4xx, a refused signature). */
      readonly retryable: boolean;
    };

export type ChannelConfigOf<T extends AlertChannelType> = Extract<AlertChannelConfig, { type: T }>;

/** Sends one message over one channel type. Never throws: failures come back as results. */
export interface AlertChannelSender<T extends AlertChannelType> {
  send(config: ChannelConfigOf<T>, message: AlertMessage, ctx: SendContext): Promise<SendResult>;
}

/** One sender per channel type; the delivery path looks the sender up here. */
export type AlertChannelSenders = { readonly [T in AlertChannelType]: AlertChannelSender<T> };
