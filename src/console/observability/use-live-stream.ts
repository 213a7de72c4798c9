"use client";

import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { endpoints } from "../endpoints";
import { useSession } from "../session-provider";

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

/** Traffic samples kept for the live charts: five minutes of one-second samples. */
export const LIVE_HISTORY = 300;

function appendSample(history: readonly TrafficSample[], sample: TrafficSample): TrafficSample[] {
  const last = history.at(-1);
  // A reset repeats the newest sample; an older one (a replay after reconnecting) is already drawn.
  if (last !== undefined && sample.at <= last.at) return history as TrafficSample[];
  const next =
    history.length >= LIVE_HISTORY ? history.slice(history.length - LIVE_HISTORY + 1) : [...history];
  next.push(sample);
  return next;
}

/**
 * Subscribes to `/health/stream` when the server has it and the user may read it (it carries every
 * tenant's events: system users only): `onHealth` runs on every health transition (and on a reset),
 * `traffic` is the newest sample and `history` the last minutes of them (oldest first). Without the
 * stream, status is "unavailable" and callers keep polling. EventSource reconnects by itself (with
 * Last-Event-ID). Nothing is requested before the session says who the user is.
 */
export function useLiveStream(onHealth?: () => void): {
  status: LiveStatus;
  traffic: TrafficSample | null;
  history: readonly TrafficSample[];
} {
  const { identity } = useSession();
  // null = not known yet (signed out, or /me still loading): no request meanwhile.
  const allowed = identity === null ? null : identity.system;
  // Same on the server and at hydration (streamKnown is only learned in the browser).
  const [state, setStatus] = useState<LiveStatus>(streamKnown === false ? "unavailable" : "connecting");
  const status: LiveStatus = allowed === false ? "unavailable" : state;
  const [history, setHistory] = useState<readonly TrafficSample[]>([]);
  const traffic = history.at(-1) ?? null;
  const setTraffic = (sample: TrafficSample) => setHistory((current) => appendSample(current, sample));
  const onHealthRef = useRef(onHealth);
  useEffect(() => {
    onHealthRef.current = onHealth;
  }, [onHealth]);

  useEffect(() => {
    // Known to be missing: the initial state already says so.
    if (allowed !== true || streamKnown === false || typeof EventSource === "undefined") return;
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
  }, [allowed]);

  return { status, traffic, history };
}
