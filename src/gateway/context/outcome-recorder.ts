import type { ProxyResponse } from "./request-facts";
import type { ErrorCode } from "../../core/errors/catalogue";
import type { AttemptRecord } from "../../db/schema/request-logs";
import type { CaptureSession } from "../capture/capture-session";
import { sendGatewayError, type GatewayErrorDetails } from "../gateway-errors";
import type { SnapshotProvider } from "../snapshot/snapshot-types";
import type { UsageInfo } from "../usage/extract-usage";

/**
 * What the client was answered and what the log row says about it. The final status, error code and
 * provider are set here and only here (through the record and send methods), so the log cannot
 * disagree with the answer; the byte, timing and usage measurements are plain fields the streaming
 * code adds to as the response goes out.
 */
export class OutcomeRecorder {
  #status = 0;
  #errorCode: string | null = null;
  #provider: SnapshotProvider | null = null;
  #streamed = false;
  /** One record per upstream attempt, in order (the log's `attempts`). */
  readonly attempts: AttemptRecord[] = [];
  /** Body bytes sent to the client. */
  bytesOut = 0;
  /** Offset of the response head sent to the client (committed upstream responses only). */
  ttfbMs: number | null = null;
  usage: UsageInfo | null = null;
  /** The model name sent upstream by the last attempt when an alias changed it; null otherwise. */
  upstreamModel: string | null = null;
  /** Session affinity outcome (`hit`, `miss`, `moved`); null when the group has affinity off. */
  affinity: "hit" | "miss" | "moved" | null = null;
  /** The request's capture, when its group or key captures it (set once the group is known). */
  capture: CaptureSession | null = null;

  /** Status sent to the client (499 when it left; 0 when nothing was decided). */
  get status(): number {
    return this.#status;
  }

  get errorCode(): string | null {
    return this.#errorCode;
  }

  /** The provider of the answer (the committed attempt, or the last one tried). */
  get provider(): SnapshotProvider | null {
    return this.#provider;
  }

  /** True when the answer was a streamed (SSE) upstream response. */
  get streamed(): boolean {
    return this.#streamed;
  }

  /** Answers with the unified gateway error body (catalogue status) and records it. */
  sendError(
    res: ProxyResponse,
    code: ErrorCode,
    requestId: string,
    headers?: Record<string, string>,
    message?: string,
    details?: GatewayErrorDetails,
  ): void {
    this.#errorCode = code;
    this.#status = sendGatewayError(res, code, requestId, headers, message, details);
  }

  /** An unexpected failure: a 500 body when nothing was sent yet, else the connection is cut. */
  sendInternalError(res: ProxyResponse, requestId: string): void {
    this.#errorCode = "INTERNAL_ERROR";
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.#status = sendGatewayError(res, "INTERNAL_ERROR", requestId);
  }

  /** An upstream response goes to the client; `errorCode` marks a passed-through final failure. */
  recordCommit(
    provider: SnapshotProvider,
    status: number,
    errorCode: ErrorCode | null,
    streamed: boolean,
  ): void {
    this.#provider = provider;
    this.#status = status;
    this.#errorCode = errorCode;
    this.#streamed = streamed;
  }

  /** The gateway answered from its configuration (e.g. `GET /v1/models`), no upstream involved. */
  recordLocalAnswer(status: number, bytes: number): void {
    this.#status = status;
    this.#errorCode = null;
    this.bytesOut += bytes;
  }

  /** The committed upstream broke after bytes reached the client. */
  recordBrokenStream(code: ErrorCode): void {
    this.#errorCode = code;
  }

  /** The provider last tried, when no upstream answer was committed. */
  recordProvider(provider: SnapshotProvider): void {
    this.#provider = provider;
  }

  /** The edge server cut a body that came later than BODY_TIMEOUT_MS and answered 408 itself. */
  recordRequestTimeout(): void {
    this.#status = 408;
    this.#errorCode = "REQUEST_TIMEOUT";
  }

  /** The client left before the response completed: 499, keeping a more specific code if any. */
  recordClientGone(): void {
    if (this.#errorCode === "REQUEST_TIMEOUT") return;
    this.#status = 499;
    this.#errorCode ??= "CLIENT_CLOSED";
  }
}
