/**
 * DingTalk custom robot. With "加签" (signing) enabled, DingTalk expects `timestamp` (ms) and `sign`
 * query parameters: sign = urlencode(base64(HMAC-SHA256(key = secret, message = timestamp + "\n" +
 * secret))), and refuses timestamps more than an hour off. It answers HTTP 200 with
 * `{"errcode":0,"errmsg":"ok"}` on success and a non-zero errcode otherwise.
 */
import { createHmac } from "node:crypto";
import { failureFromError, judgeAnswer, parseAnswerObject, postJson } from "./http-post";
import { renderMarkdown, renderTitle } from "./render-message";
import type { AlertChannelSender } from "./types";

/** The base64 signature (before URL encoding) for a millisecond timestamp. */
export function signDingTalk(secret: string, timestampMs: number): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`, "utf8").digest("base64");
}

/** The robot URL with `timestamp` and `sign` appended (the access_token stays as configured). */
export function signedDingTalkUrl(url: string, secret: string | null, timestampMs: number): string {
  if (!secret) return url;
  const signed = new URL(url);
  signed.searchParams.set("timestamp", String(timestampMs));
  signed.searchParams.set("sign", signDingTalk(secret, timestampMs));
  return signed.toString();
}

function dingTalkError(text: string): string | null {
  const answer = parseAnswerObject(text);
  if (answer === null) return "DingTalk answered with a body that is not JSON";
  if (answer.errcode === 0) return null;
  return `DingTalk errcode ${String(answer.errcode)}: ${String(answer.errmsg ?? "")}`;
}

/** Sends notices to a DingTalk robot as markdown. */
export const dingTalkSender: AlertChannelSender<"dingtalk"> = {
  async send(config, message, ctx) {
    const secrets = [config.url, config.secret];
    try {
      const url = signedDingTalkUrl(config.url, config.secret, ctx.now());
      const body = JSON.stringify({
        msgtype: "markdown",
        markdown: { title: renderTitle(message), text: renderMarkdown(message) },
      });
      const answer = await postJson(url, body, {}, ctx);
      // The signed URL carries the access token and signature: scrub both from any error text.
      return judgeAnswer(answer, [...secrets, url], dingTalkError);
    } catch (err) {
      return failureFromError(err, secrets);
    }
  },
};
