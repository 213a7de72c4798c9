/**
 * Feishu / Lark custom bot. With signature verification enabled, the JSON body carries `timestamp`
 * (seconds, as a string) and `sign` = base64(HMAC-SHA256(key = timestamp + "\n" + secret, message =
 * empty)): the joined string is the HMAC key, not the message. Feishu answers `{"code":0,...}` (older
 * deployments `{"StatusCode":0,...}`) on success and a non-zero code otherwise.
 */
import { createHmac } from "node:crypto";
import type { AlertEvent } from "@/core/vocabulary/alerts";
import type { FeishuMessageType } from "@/core/vocabulary/alert-channels";
import { failureFromError, judgeAnswer, parseAnswerObject, postJson } from "./http-post";
import { renderMarkdown, renderText, renderTitle } from "./render-message";
import type { AlertChannelSender, AlertMessage } from "./types";

/** The base64 signature for a timestamp in seconds. */
export function signFeishu(secret: string, timestampSeconds: number): string {
  return createHmac("sha256", `${timestampSeconds}\n${secret}`).update("").digest("base64");
}

const TEMPLATE: Readonly<Record<AlertEvent, string>> = { firing: "red", resolved: "green", test: "blue" };

function feishuContent(message: AlertMessage, messageType: FeishuMessageType): Record<string, unknown> {
  if (messageType === "text") return { msg_type: "text", content: { text: renderText(message) } };
  return {
    msg_type: "interactive",
    card: {
      config: { wide_screen_mode: true },
      header: {
        title: { tag: "plain_text", content: renderTitle(message) },
        template: TEMPLATE[message.event],
      },
      elements: [{ tag: "div", text: { tag: "lark_md", content: renderMarkdown(message) } }],
    },
  };
}

function feishuError(text: string): string | null {
  const answer = parseAnswerObject(text);
  if (answer === null) return "Feishu answered with a body that is not JSON";
  const code = answer.code ?? answer.StatusCode;
  if (code === 0) return null;
  return `Feishu code ${String(code)}: ${String(answer.msg ?? answer.StatusMessage ?? "")}`;
}

/** Sends notices to a Feishu/Lark bot as text or an interactive card. */
export const feishuSender: AlertChannelSender<"feishu"> = {
  async send(config, message, ctx) {
    const secrets = [config.url, config.secret];
    try {
      const signature: Record<string, string> = {};
      if (config.secret) {
        const timestamp = Math.floor(ctx.now() / 1000);
        signature.timestamp = String(timestamp);
        signature.sign = signFeishu(config.secret, timestamp);
      }
      const body = JSON.stringify({ ...signature, ...feishuContent(message, config.messageType) });
      return judgeAnswer(await postJson(config.url, body, {}, ctx), secrets, feishuError);
    } catch (err) {
      return failureFromError(err, secrets);
    }
  },
};
