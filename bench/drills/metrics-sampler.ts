import { metricValue, sleep } from "./drill-figures";
import type { RoundaboutInstance } from "./roundabout-instance";

/** The `/metrics` figures the outage drill follows, per instance and scrape. */
export interface MetricsSample {
  readonly t: number;
  readonly instance: string;
  /** False when the instance did not answer the scrape. */
  readonly up: boolean;
  readonly queueDepth: number;
  readonly dropped: number;
  readonly spillRows: number;
  readonly spillBytes: number;
  readonly breakerOpen: number;
  readonly breakerOpens: number;
  readonly breakerCloses: number;
}

export type SampleField = Exclude<keyof MetricsSample, "t" | "instance" | "up">;

const P = "roundabout_";

/** Parses the followed figures out of one scrape. */
export function sampleOf(instance: string, t: number, text: string): MetricsSample {
  const v = (name: string, label = "") => metricValue(text, `${P}${name}`, label);
  return {
    t,
    instance,
    up: text.length > 0,
    queueDepth: v("log_queue_depth"),
    dropped: v("log_rows_dropped_total"),
    spillRows: v("log_spill_rows"),
    spillBytes: v("log_spill_bytes"),
    breakerOpen: v("state_store_breaker_open"),
    breakerOpens: v("state_store_breaker_transitions_total", 'to="open"'),
    breakerCloses: v("state_store_breaker_transitions_total", 'to="closed"'),
  };
}

/** Scrapes every instance once a second until stopped, keeping every sample. */
export class MetricsSampler {
  readonly samples: MetricsSample[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(private readonly instances: readonly RoundaboutInstance[]) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await this.scrape();
      await sleep(1_000);
    }
  }

  /** Scrapes now; answers the fresh samples. */
  async scrape(): Promise<MetricsSample[]> {
    const fresh = await Promise.all(
      this.instances.map(async (i) => sampleOf(i.name, Date.now(), await i.metrics())),
    );
    this.samples.push(...fresh);
    return fresh;
  }

  /** Largest value of `field` per instance over [from, to). */
  maxOf(field: SampleField, from: number, to: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.samples) {
      if (s.t < from || s.t >= to || !s.up) continue;
      out[s.instance] = Math.max(out[s.instance] ?? 0, s[field]);
    }
    return out;
  }

  /** Seconds (samples) per instance in which the breaker was open, over [from, to). */
  openSeconds(from: number, to: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.samples) {
      if (s.t < from || s.t >= to || !s.up) continue;
      out[s.instance] = (out[s.instance] ?? 0) + s.breakerOpen;
    }
    return out;
  }

  /** Polls until `check` holds for the fresh samples of every running instance; answers ms waited or -1. */
  async waitFor(check: (s: MetricsSample) => boolean, timeoutMs: number): Promise<number> {
    const began = Date.now();
    while (Date.now() - began < timeoutMs) {
      const fresh = await this.scrape();
      if (fresh.every((s) => !s.up || check(s))) return Date.now() - began;
      await sleep(250);
    }
    return -1;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
