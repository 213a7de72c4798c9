import type { OutgoingHttpHeader, OutgoingHttpHeaders } from "node:http";
import type { RedactionRules } from "../../core/debug/redact-body";
import { redactHeaders } from "../../core/debug/redact-body";
import type { ProxyResponse } from "../context/request-facts";
import { headersFromList } from "../forward-headers";

/**
 * Where an admin's replay answer goes instead of a socket: the stages write to a `ReplayResponse`
 * exactly as to a client's `ServerResponse`, and it hands the answer to a `ReplaySink` (the admin
 * service, which answers JSON or a live NDJSON stream). Headers reach the sink already redacted; the
 * sink gets the rules to redact body text with (provider credentials by value, the operator's names).
 */

/** The receiving end of a replay's answer. */
export interface ReplaySink {
  /** The answer's status and (redacted) headers; `rules` redact the body text before it is shown. */
  head(status: number, headers: Record<string, string>, rules: RedactionRules): void;
  /** One body chunk; false when the sink is full (the upstream pauses until `ReplayRun.resume`). */
  data(chunk: Buffer): boolean;
  /** The answer ended (complete, cut, or the sink was cancelled). */
  end(): void;
}

/** A `ProxyResponse` over a `ReplaySink` (no socket, no HTTP framing). */
export class ReplayResponse implements ProxyResponse {
  #headersSent = false;
  #finished = false;
  #destroyed = false;
  #ended = false;
  readonly #drain: (() => void)[] = [];
  readonly #close: (() => void)[] = [];

  constructor(
    private readonly sink: ReplaySink,
    private readonly rules: RedactionRules,
  ) {}

  get headersSent(): boolean {
    return this.#headersSent;
  }

  get writableFinished(): boolean {
    return this.#finished;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  writeHead(status: number, headers: OutgoingHttpHeaders | OutgoingHttpHeader[] = {}): this {
    if (this.#headersSent || this.#destroyed) return this;
    this.#headersSent = true;
    const object = Array.isArray(headers) ? headersFromList(headers) : headers;
    this.sink.head(status, redactHeaders(object, this.rules), this.rules);
    return this;
  }

  write(chunk: Buffer | string): boolean {
    if (this.#destroyed || this.#finished) return true;
    return this.sink.data(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  }

  end(chunk?: Buffer | string): this {
    if (this.#destroyed || this.#finished) return this;
    if (chunk !== undefined && chunk.length > 0) this.write(chunk);
    this.#finished = true;
    this.#finish();
    return this;
  }

  once(_event: "drain", listener: () => void): this {
    this.#drain.push(listener);
    return this;
  }

  on(_event: "close", listener: () => void): this {
    this.#close.push(listener);
    return this;
  }

  /** A cut answer (the upstream broke mid-body): the sink sees its end. */
  destroy(): this {
    if (this.#destroyed) return this;
    this.#destroyed = true;
    this.#finish();
    return this;
  }

  /** The sink has room again: resume the paused upstream. */
  resume(): void {
    for (const listener of this.#drain.splice(0)) listener();
  }

  /** The receiver is gone (the admin disconnected): the gateway aborts the upstream as for a client. */
  cancel(): void {
    if (this.#finished || this.#destroyed) return;
    this.#destroyed = true;
    this.#finish();
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.sink.end();
    for (const listener of this.#close.splice(0)) listener();
  }
}
