/**
 * E-mail over SMTP with nodemailer: one short-lived connection per notice (alerts are rare, and a
 * pooled connection would outlive a changed password). Security modes: `tls` = implicit TLS (port
 * 465), `starttls` = the upgrade is required, `none` = plain text (a local relay only).
 */
import type { ConnectionOptions } from "node:tls";
import nodemailer from "nodemailer";
import { pinSmtpOptions } from "@/security/outbound-connect";
import { scrubSecrets } from "./http-post";
import { renderText, renderTitle } from "./render-message";
import type { AlertChannelSender, SendResult } from "./types";

function emailFailure(err: unknown, secrets: readonly (string | null)[]): SendResult {
  const fields = (typeof err === "object" && err !== null ? err : {}) as {
    code?: unknown;
    responseCode?: unknown;
    message?: unknown;
  };
  const responseCode = typeof fields.responseCode === "number" ? fields.responseCode : null;
  const code = typeof fields.code === "string" ? fields.code : "SMTP";
  const message = typeof fields.message === "string" ? fields.message.split("\n")[0]! : String(err);
  // 5xx replies and refused credentials are permanent; connection trouble and 4xx replies may pass.
  const permanent =
    code === "EAUTH" ||
    code === "EENVELOPE" ||
    code === "OUTBOUND_BLOCKED" ||
    (responseCode !== null && responseCode >= 500);
  return {
    ok: false,
    statusCode: responseCode,
    error: scrubSecrets(`${code}: ${message}`, secrets).slice(0, 300),
    retryable: !permanent,
  };
}

/** Sends notices as plain-text e-mail. */
export const emailSender: AlertChannelSender<"email"> = {
  async send(config, message, ctx) {
    let pinned: { host: string; servername?: string; tls?: ConnectionOptions };
    try {
      // nodemailer connects to the checked address and resolves nothing itself; TLS keeps the name.
      pinned = await pinSmtpOptions({ host: config.host }, ctx.outbound, { resolveTimeoutMs: ctx.timeoutMs });
    } catch (err) {
      return emailFailure(err, [config.password]);
    }
    const transport = nodemailer.createTransport({
      ...pinned,
      port: config.port,
      secure: config.security === "tls",
      requireTLS: config.security === "starttls",
      ignoreTLS: config.security === "none",
      auth: config.username ? { user: config.username, pass: config.password ?? "" } : undefined,
      connectionTimeout: ctx.timeoutMs,
      greetingTimeout: ctx.timeoutMs,
      socketTimeout: ctx.timeoutMs,
    });
    try {
      const info = await transport.sendMail({
        from: config.from,
        to: config.to,
        subject: `[Roundabout] ${renderTitle(message)}`,
        text: renderText(message),
        headers: { "X-Roundabout-Event": message.event },
      });
      // Some servers accept the envelope but refuse every recipient: that is not a delivery.
      if (info.accepted.length === 0) {
        return { ok: false, statusCode: null, error: "SMTP: no recipient was accepted", retryable: false };
      }
      return { ok: true, statusCode: null };
    } catch (err) {
      return emailFailure(err, [config.password]);
    } finally {
      transport.close();
    }
  },
};
