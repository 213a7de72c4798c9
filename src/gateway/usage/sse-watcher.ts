import { classifySseEvent } from "./classify-sse-event";
import { createSseUsageTracker, type UsageInfo } from "./extract-usage";
import { createSseScanner, type SseEvent, type SseScanner } from "./sse-scanner";

/**
 * Watches an SSE response as it passes: usage for the log row all along, and — while the head is
 * still held back — whether the first content event, an error event or the end came first.
 */
export interface SseWatcher {
  readonly scanner: SseScanner;
  readonly usage: UsageInfo;
  /** True while the response head is held (classification only matters then). */
  holding: boolean;
  sawContent: boolean;
  /** The error event seen before any content, if any. */
  error: SseEvent | null;
}

/** Creates a watcher (one per SSE attempt). */
export function createSseWatcher(maxLineBytes?: number): SseWatcher {
  const tracker = createSseUsageTracker();
  const watcher: SseWatcher = {
    scanner: createSseScanner((e) => {
      tracker.onEvent(e);
      if (!watcher.holding || watcher.sawContent || watcher.error !== null) return;
      const kind = classifySseEvent(e);
      if (kind === "content") watcher.sawContent = true;
      else if (kind === "error") watcher.error = e;
    }, maxLineBytes),
    usage: tracker.usage,
    holding: true,
    sawContent: false,
    error: null,
  };
  return watcher;
}
