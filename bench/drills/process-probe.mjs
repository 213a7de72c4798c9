// Observer preloaded into the soak's Roundabout process (`node --import …/process-probe.mjs
// dist/server.mjs`): Roundabout's /metrics has no process or event-loop series, so this appends one
// JSON line per window to $DRILL_PROBE_FILE — heap, RSS and event-loop delay (p99, max) of the
// window. It changes nothing in the process it watches; its timer never keeps the process alive.
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const file = process.env.DRILL_PROBE_FILE;
const windowMs = Number(process.env.DRILL_PROBE_WINDOW_MS ?? "30000");

/** Starts the probe when the soak asked for it (a file to write). */
function startProbe() {
  if (!file) return;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const timer = setInterval(() => {
    const mem = process.memoryUsage();
    const line = {
      t: Date.now(),
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      heapTotal: mem.heapTotal,
      external: mem.external,
      // Nanoseconds in the histogram; reported in ms.
      eldP50Ms: delay.percentile(50) / 1e6,
      eldP99Ms: delay.percentile(99) / 1e6,
      eldMaxMs: delay.max / 1e6,
    };
    delay.reset();
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, windowMs);
  timer.unref();
}

startProbe();
