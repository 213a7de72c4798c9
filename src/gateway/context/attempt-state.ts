import type { AttemptRecord } from "../../db/schema/request-logs";
import type { AttemptCaptureRef } from "../capture/capture-session";
import type { SnapshotMember, SnapshotProvider } from "../snapshot/snapshot-types";
import type { HeldSlot } from "../stages/provider-caps";
import type { UpstreamExchange } from "../upstream/upstream-exchange";

/** The member chosen for the next attempt, with the provider concurrency slot taken for it. */
export interface MemberPick {
  readonly member: SnapshotMember;
  readonly slot: HeldSlot | null;
}

/** One upstream attempt of a request: created when it starts, dropped when the next one starts. */
export interface AttemptState {
  readonly provider: SnapshotProvider;
  /** performance.now() when it started. */
  readonly startedAt: number;
  /** Its entry in the log's `attempts` (timings, status, outcome), filled in as it runs. */
  readonly record: AttemptRecord;
  /** The upstream exchange, also the attempt's abort handle. */
  readonly controller: UpstreamExchange;
  /** The body sent upstream: the client's bytes, or a copy with only the `model` string aliased. */
  readonly body: Uint8Array;
  /** The path sent upstream (after the base path), aliased when the model is in it. */
  readonly path: string;
  /** The provider concurrency slot; given back when the attempt fails or the request ends. */
  slot: HeldSlot | null;
  /** Its capture, when the request is captured. */
  readonly capture: AttemptCaptureRef | null;
}
