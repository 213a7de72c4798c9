"use client";

import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { endpoints } from "../endpoints";

/** What the console reads of a `traffic` event (the live hub's sample; extra fields are ignored). */
const trafficCountsShape = {
  requests: z.number(),
  rate: z.number(),
  successRate: z.number().nullable(),
};
const trafficSampleSchema = z.object({
  at: z.number(),
  intervalMs: z.number(),
  totals: z.object({ ...trafficCountsShape, inFlight: z.number() }),
  providers: z.array(
    z.object({ ...trafficCountsShape, providerId: z.string(), provider: z.string(), inFlight: z.number() }),
  ),
});
export type TrafficSample = z.infer<typeof trafficSampleSchema>;
const resetSchema = z.object({ traffic: trafficSampleSchema.nullable() });

export type LiveStatus = "connecting" | "live" | "unavailable";

// Whether the stream answers as an event stream, learned once per page load. It may not: a reverse
// proxy that buffers or blocks it, a lapsed session (401). One plain probe then switches the page to
// polling, where an EventSource would only log a MIME-type error and retry forever.
let streamKnown: boolean | undefined;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Subscribes to `/health/stream` when the server has it: `onHealth` runs on every health transition
 * (and on a reset), `traffic` is the newest sample. Without the stream, status is "unavailable" and
 * callers keep polling. EventSource reconnects by itself (with Last-Event-ID).
 */
export function useLiveStream(onHealth?: () => void): { status: LiveStatus; traffic: TrafficSample | null } {
  // Same on the server and at hydration (streamKnown is only learned in the browser).
  const [status, setStatus] = useState<LiveStatus>(streamKnown === false ? "unavailable" : "connecting");
  const [traffic, setTraffic] = useState<TrafficSample | null>(null);
  const onHealthRef = useRef(onHealth);
  useEffect(() => {
    onHealthRef.current = onHealth;
  }, [onHealth]);

  useEffect(() => {
    // Known to be missing: the initial state already says so.
    if (streamKnown === false || typeof EventSource === "undefined") return;
    let source: EventSource | null = null;
    let cancelled = false;
    const controller = new AbortController();

    function open() {
      source = new EventSource(endpoints.healthStream);
      source.onopen = () => setStatus("live");
      source.onerror = () => {
        if (source?.readyState === EventSource.CLOSED) setStatus("unavailable");
        else setStatus("connecting");
      };
      source.addEventListener("traffic", (event) => {
        const parsed = trafficSampleSchema.safeParse(parseJson((event as MessageEvent<string>).data));
        if (parsed.success) setTraffic(parsed.data);
      });
      source.addEventListener("reset", (event) => {
        const parsed = resetSchema.safeParse(parseJson((event as MessageEvent<string>).data));
        if (parsed.success && parsed.data.traffic) setTraffic(parsed.data.traffic);
        onHealthRef.current?.();
      });
      source.addEventListener("health", () => onHealthRef.current?.());
    }

    if (streamKnown) open();
    else {
      // One probe: only the headers are read, then the request is dropped.
      fetch(endpoints.healthStream, { credentials: "same-origin", signal: controller.signal })
        .then((response) => {
          const ok =
            response.ok && (response.headers.get("content-type") ?? "").startsWith("text/event-stream");
          controller.abort();
          streamKnown = ok;
          if (cancelled) return;
          if (ok) open();
          else setStatus("unavailable");
        })
        .catch(() => {
          if (!cancelled && !controller.signal.aborted) setStatus("unavailable");
        });
    }
    return () => {
      cancelled = true;
      controller.abort();
      source?.close();
    };
  }, []);

  return { status, traffic };
}
