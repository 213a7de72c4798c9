/** Slack incoming webhook (scratch: proves the channel recipe). Slack answers `ok` on success. */
import { failureFromError, judgeAnswer, postJson } from "./http-post";
import { renderText } from "./render-message";
import type { AlertChannelSender } from "./types";

/** Sends notices to a Slack incoming webhook as plain text. */
export const slackSender: AlertChannelSender<"slack"> = {
  async send(config, message, ctx) {
    try {
      const answer = await postJson(
        config.url,
        JSON.stringify({ text: renderText(message) }),
        {},
        ctx.timeoutMs,
      );
      return judgeAnswer(answer, [config.url], (text) =>
        text.trim() === "ok" ? null : `Slack answered ${text}`,
      );
    } catch (err) {
      return failureFromError(err, [config.url]);
    }
  },
};
