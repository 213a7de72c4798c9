import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";

/**
 * One upstream HTTP exchange on undici's low-level `dispatch` handler API. Compared with
 * `Pool.request`, no Readable body stream, AsyncResource, AbortController/AbortSignal or promise per
 * chunk is created: chunks go straight from undici's parser to whoever consumes them.
 *
 * `waitHead()` settles with the response head, or with the error that ended the exchange before it.
 * Body chunks that arrive before a consumer is attached (typically the whole JSON body, parsed in the
 * same socket read as the head) are queued; past `QUEUE_PAUSE_BYTES` the upstream is paused. A
 * consumer (BodySink) then gets every chunk once, in order, and exactly one of onEnd / onError.
 * `abort()` ends the exchange at once, even before undici started the request (a request still
 * waiting for a connection is aborted as soon as undici hands it over).
 */

/** Receives an upstream body as it arrives. */
export interface BodySink {
  /** One chunk; return false to pause the upstream until `resume()`. */
  onData(chunk: Buffer): boolean;
  onEnd(): void;
  onError(err: Error): void;
}

/** The response head of an exchange. */
export interface ExchangeHead {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
}

/** Queued bytes (no consumer yet) above which the upstream is paused. */
const QUEUE_PAUSE_BYTES = 64 * 1024;

class ExchangeAbortedError extends Error {
  readonly code = "UND_ERR_ABORTED";
  constructor() {
    super("upstream exchange aborted");
    this.name = "AbortError";
  }
}

/** One exchange; pass it to `dispatcher.dispatch(options, exchange)`. */
export class UpstreamExchange implements Dispatcher.DispatchHandler {
  #head: ExchangeHead | null = null;
  #headError: Error | null = null;
  #resolveHead: ((head: ExchangeHead) => void) | null = null;
  #rejectHead: ((err: Error) => void) | null = null;
  #headSettled = false;
  #controller: Dispatcher.DispatchController | null = null;
  #abortReason: Error | null = null;
  #sink: BodySink | null = null;
  /** Chunks not yet handed to a consumer: `#queue[#queueHead..]`. */
  #queue: Buffer[] = [];
  #queueHead = 0;
  #queuedBytes = 0;
  /** How the body ended ("end" or the error), once it did; handed over after the queued chunks. */
  #outcome: Error | "end" | null = null;
  #delivered = false;
  /** The consumer asked for a pause (its onData returned false). */
  #sinkPaused = false;
  /** We told undici to stop reading. */
  #upstreamPaused = false;

  /**
   * The response head, or the error that ended the exchange before it. The promise is made on demand,
   * so an exchange aborted before anyone waited leaves no rejected promise behind.
   */
  waitHead(): Promise<ExchangeHead> {
    if (this.#head !== null) return Promise.resolve(this.#head);
    if (this.#headError !== null) return Promise.reject(this.#headError);
    return new Promise<ExchangeHead>((resolve, reject) => {
      this.#resolveHead = resolve;
      this.#rejectHead = reject;
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason !== null) controller.abort(this.#abortReason);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    // 1xx informational heads are not the response.
    if (statusCode < 200 || this.#headSettled) return;
    this.#headSettled = true;
    this.#head = { status: statusCode, headers };
    this.#resolveHead?.(this.#head);
    this.#resolveHead = null;
    this.#rejectHead = null;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#outcome !== null) return;
    const sink = this.#sink;
    if (sink !== null && !this.#sinkPaused && this.#queueHead === this.#queue.length) {
      if (!sink.onData(chunk) && this.#sink === sink && this.#outcome === null) {
        this.#sinkPaused = true;
        this.#pauseUpstream();
      }
      return;
    }
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    if (this.#queuedBytes > QUEUE_PAUSE_BYTES) this.#pauseUpstream();
  }

  onResponseEnd(): void {
    this.#finish("end");
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    this.#finish(err);
  }

  /** Ends the exchange now: a pending head rejects, the consumer (now or once attached) gets onError. */
  abort(): void {
    if (this.#delivered || this.#abortReason !== null) return;
    const reason = new ExchangeAbortedError();
    this.#abortReason = reason;
    this.#controller?.abort(reason);
    // An abort overrides a normal end still waiting behind queued chunks.
    this.#outcome = null;
    this.#finish(reason);
  }

  /** Attaches the consumer: queued chunks first, then live ones; `null` detaches (chunks queue again). */
  consume(sink: BodySink | null): void {
    this.#sink = sink;
    this.#sinkPaused = false;
    this.#deliver();
  }

  /** Resumes after the consumer's onData returned false. */
  resume(): void {
    if (!this.#sinkPaused) return;
    this.#sinkPaused = false;
    this.#deliver();
  }

  /** Reads and drops the body (so a keep-alive connection can be reused), aborting past `limit` bytes. */
  discard(limit: number, onChunk?: (chunk: Buffer) => void): void {
    let seen = 0;
    this.consume({
      onData: (chunk) => {
        onChunk?.(chunk);
        seen += chunk.length;
        if (seen > limit) this.abort();
        return true;
      },
      onEnd: noop,
      onError: noop,
    });
  }

  #pauseUpstream(): void {
    if (this.#upstreamPaused) return;
    this.#upstreamPaused = true;
    this.#controller?.pause();
  }

  #resumeUpstream(): void {
    if (!this.#upstreamPaused) return;
    this.#upstreamPaused = false;
    this.#controller?.resume();
  }

  #clearQueue(): void {
    this.#queue = [];
    this.#queueHead = 0;
    this.#queuedBytes = 0;
  }

  #finish(outcome: Error | "end"): void {
    if (this.#outcome !== null) return;
    this.#outcome = outcome;
    if (!this.#headSettled) {
      this.#headSettled = true;
      this.#delivered = true;
      this.#clearQueue();
      this.#headError = outcome === "end" ? new Error("upstream closed before a response head") : outcome;
      this.#rejectHead?.(this.#headError);
      this.#resolveHead = null;
      this.#rejectHead = null;
      return;
    }
    if (outcome === "end") {
      this.#deliver();
      return;
    }
    // A failure is reported at once, even to a paused consumer; chunks still queued are dropped.
    this.#clearQueue();
    const sink = this.#sink;
    if (sink !== null && !this.#delivered) {
      this.#delivered = true;
      sink.onError(outcome);
    }
  }

  /** Hands queued chunks, then the outcome, to the consumer while it is attached and not paused. */
  #deliver(): void {
    const sink = this.#sink;
    if (sink === null || this.#sinkPaused || this.#delivered) return;
    while (this.#queueHead < this.#queue.length) {
      const chunk = this.#queue[this.#queueHead]!;
      this.#queue[this.#queueHead++] = EMPTY;
      this.#queuedBytes -= chunk.length;
      const more = sink.onData(chunk);
      // The consumer may have detached, aborted or finished from inside onData.
      if (this.#sink !== sink || this.#delivered) return;
      if (!more) {
        this.#sinkPaused = true;
        if (this.#outcome === null) this.#pauseUpstream();
        return;
      }
    }
    this.#clearQueue();
    const outcome = this.#outcome;
    if (outcome === null) {
      this.#resumeUpstream();
      return;
    }
    this.#delivered = true;
    if (outcome === "end") sink.onEnd();
    else sink.onError(outcome);
  }
}

const EMPTY = Buffer.alloc(0);

function noop(): void {}
