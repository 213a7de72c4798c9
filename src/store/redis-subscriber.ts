/**
 * Pub/sub for the Redis store on its own connection (a subscribed RESP2 connection cannot run other
 * commands, and a slow handler must not delay rate-limit calls). Resubscription after a connection loss
 * is done here rather than by ioredis, so `onResubscribed` runs only once SUBSCRIBE is confirmed and a
 * reload it triggers cannot miss a message published in between.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../observability/logger";
import { closeConnection, toStoreError } from "./redis-errors";
import type { Unsubscribe } from "./types";

interface Subscription {
  handler: (message: string) => void;
  onResubscribed?: () => void;
  active: boolean;
}

interface ChannelState {
  subs: Set<Subscription>;
  /** Settles when the first SUBSCRIBE of this channel is confirmed. */
  ready: Promise<void>;
}

export interface RedisSubscriber {
  /** Subscribes to a full (already prefixed) channel name. */
  subscribe(
    channel: string,
    handler: (message: string) => void,
    onResubscribed?: () => void,
  ): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/**
 * Manages one subscriber connection, opened by `connect` on the first subscribe. The connection must
 * be created with `autoResubscribe: false`.
 */
export function createRedisSubscriber(connect: () => Redis, logger?: Logger): RedisSubscriber {
  const channels = new Map<string, ChannelState>();
  let conn: Redis | undefined;
  let closed = false;

  function connection(): Redis {
    if (conn) return conn;
    const c = connect();
    let connectedBefore = false;
    c.on("message", (channel: string, message: string) => dispatch(channel, message));
    c.on("ready", () => {
      if (!connectedBefore) {
        connectedBefore = true;
        return;
      }
      void resubscribe(c);
    });
    conn = c;
    return c;
  }

  function dispatch(channel: string, message: string): void {
    const state = channels.get(channel);
    if (!state) return;
    for (const sub of [...state.subs]) {
      if (!sub.active) continue;
      try {
        sub.handler(message);
      } catch (err) {
        logger?.error({ err, channel }, "state store subscriber handler threw");
      }
    }
  }

  async function resubscribe(c: Redis): Promise<void> {
    const names = [...channels.keys()];
    if (names.length === 0 || closed) return;
    const toNotify = names.flatMap((n) => [...(channels.get(n)?.subs ?? [])]);
    try {
      await c.subscribe(...names);
    } catch (err) {
      if (closed) return;
      // Without the subscription we would silently miss every message: force a fresh connection,
      // whose "ready" retries this.
      logger?.warn({ error: (err as Error).message }, "redis resubscribe failed; reconnecting");
      c.disconnect(true);
      return;
    }
    logger?.info({ channels: names.length }, "redis subscriber resubscribed after a connection loss");
    for (const sub of toNotify) {
      if (!sub.active || !sub.onResubscribed) continue;
      try {
        sub.onResubscribed();
      } catch (err) {
        logger?.error({ err }, "state store onResubscribed callback threw");
      }
    }
  }

  return {
    async subscribe(channel, handler, onResubscribed) {
      const sub: Subscription = { handler, onResubscribed, active: true };
      let state = channels.get(channel);
      if (!state) {
        const c = connection();
        state = { subs: new Set(), ready: c.subscribe(channel).then(() => undefined) };
        channels.set(channel, state);
      }
      state.subs.add(sub);
      try {
        // Later subscribers to the same channel also wait, so none returns before delivery works.
        await state.ready;
      } catch (err) {
        sub.active = false;
        state.subs.delete(sub);
        if (state.subs.size === 0 && channels.get(channel) === state) channels.delete(channel);
        throw toStoreError(err);
      }

      return async () => {
        if (!sub.active) return;
        sub.active = false;
        const current = channels.get(channel);
        if (!current || !current.subs.delete(sub) || current.subs.size > 0) return;
        channels.delete(channel);
        try {
          await conn?.unsubscribe(channel);
        } catch {
          // Delivery already stopped locally, and a reconnect will not resubscribe this channel.
        }
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const state of channels.values()) for (const sub of state.subs) sub.active = false;
      channels.clear();
      if (conn) await closeConnection(conn);
    },
  };
}
