import type { LiveEvent, LiveHub } from "./live-hub";

/**
 * The body of `GET /api/admin/health/stream`: server-sent events from the live hub — `health` on every
 * provider transition, `traffic` once a second, a comment line as heartbeat, and `reset` (a full
 * snapshot) on a fresh connection or when the Last-Event-ID asked for is no longer kept. Event ids
 * are the hub's, so EventSource's automatic reconnect resumes where it stopped. The admin route
 * (`src/admin-api/routes/health.ts`) reads the resume point and sets the response headers.
 */

export interface HealthStream {
  /** Opens one event stream: the events after `after` (a snapshot when null or too old), then live ones. */
  open(after: number | null): ReadableStream<Uint8Array>;
}

export interface HealthStreamOptions {
  /** Period of the heartbeat comment, ms (default 15 s). */
  readonly heartbeatMs?: number;
  /** Client reconnect delay announced in the stream, ms (default 3 s). */
  readonly retryMs?: number;
  /** A client that leaves more than this many bytes unread is disconnected (default 1 MiB). */
  readonly maxBufferedBytes?: number;
}

const encoder = new TextEncoder();

/** Formats one server-sent event (JSON data never contains a raw newline). */
function formatEvent(id: number, type: string, data: unknown): Uint8Array {
  return encoder.encode(`id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
}

function encodeLive(event: LiveEvent): Uint8Array {
  return formatEvent(event.id, event.type, event.data);
}

/** Creates the stream over the hub; nothing runs until a stream is opened. */
export function createHealthStream(hub: LiveHub, options: HealthStreamOptions = {}): HealthStream {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 3_000;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;

  return {
    open(after) {
      let cleanup: (() => void) | null = null;
      const stop = () => {
        cleanup?.();
        cleanup = null;
      };
      return new ReadableStream<Uint8Array>(
        {
          start(controller) {
            const push = (chunk: Uint8Array) => {
              if (cleanup === null) return;
              // A reader this far behind is not coming back: free its buffer.
              if ((controller.desiredSize ?? 0) < -maxBuffered) {
                stop();
                controller.close();
                return;
              }
              controller.enqueue(chunk);
            };
            // Replay and subscribe in one synchronous step, so no event falls in between.
            const missed = after === null ? null : hub.since(after);
            const unsubscribe = hub.subscribe(
              (event) => push(encodeLive(event)),
              () => {
                // The hub closed (shutdown): end the stream so the server can close.
                if (cleanup === null) return;
                stop();
                controller.close();
              },
            );
            const heartbeat = setInterval(() => push(encoder.encode(": heartbeat\n\n")), heartbeatMs);
            heartbeat.unref();
            cleanup = () => {
              clearInterval(heartbeat);
              unsubscribe();
            };
            controller.enqueue(encoder.encode(`retry: ${retryMs}\n\n`));
            if (missed === null) {
              const snapshot = hub.snapshot();
              controller.enqueue(formatEvent(snapshot.lastId, "reset", snapshot));
            } else for (const event of missed) controller.enqueue(encodeLive(event));
          },
          cancel: stop,
        },
        // Sized in bytes so desiredSize measures how far the client is behind.
        { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
      );
    },
  };
}
