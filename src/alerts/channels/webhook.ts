/**
 * Generic webhook: POSTs the notice as JSON.
 *
 * Signing (when the channel has a secret): the sender puts the Unix time in seconds in
 * `X-Roundabout-Timestamp` and
 *
 *   X-Roundabout-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>
 *
 * Receivers recompute the HMAC over the exact bytes received, compare in constant time, and refuse
 * timestamps too far from their clock (5 minutes is a good bound) so a captured request cannot be
 * replayed later. `X-Roundabout-Delivery` is the same on every retry of one delivery: drop duplicates
 * by it. `X-Roundabout-Event` is `firing`, `resolved` or `test`.
 */
import { createHmac } from "node:crypto";
import { failureFromError, judgeAnswer, postJson } from "./http-post";
import type { AlertChannelSender, AlertMessage } from "./types";

export const SIGNATURE_HEADER = "x-roundabout-signature";
export const TIMESTAMP_HEADER = "x-roundabout-timestamp";

/** `sha256=<hex>` over `timestamp + "." + body` with the channel secret. */
export function signWebhookBody(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestampSeconds}.${body}`, "utf8").digest("hex");
  return `sha256=${mac}`;
}

/** The JSON document a webhook receives. */
export function webhookBody(message: AlertMessage, deliveryId: number | null, sentAtMs: number): string {
  return JSON.stringify({
    version: 1,
    event: message.event,
    deliveryId,
    sentAt: new Date(sentAtMs).toISOString(),
    alert: message,
  });
}

/** Sends notices to a generic webhook, signed when a secret is set. */
export const webhookSender: AlertChannelSender<"webhook"> = {
  async send(config, message, ctx) {
    const secrets = [config.url, config.secret];
    try {
      const nowMs = ctx.now();
      const body = webhookBody(message, ctx.deliveryId, nowMs);
      const timestamp = Math.floor(nowMs / 1000);
      const headers: Record<string, string> = {
        "x-roundabout-event": message.event,
        [TIMESTAMP_HEADER]: String(timestamp),
      };
      if (ctx.deliveryId !== null) headers["x-roundabout-delivery"] = String(ctx.deliveryId);
      if (config.secret) headers[SIGNATURE_HEADER] = signWebhookBody(config.secret, timestamp, body);
      return judgeAnswer(await postJson(config.url, body, headers, ctx), secrets);
    } catch (err) {
      return failureFromError(err, secrets);
    }
  },
};
