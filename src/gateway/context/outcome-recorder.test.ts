import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import type { SnapshotProvider } from "../snapshot/snapshot-types";
import { OutcomeRecorder } from "./outcome-recorder";

/** The parts of a ServerResponse the recorder's writers use, recording what was sent. */
class FakeResponse extends EventEmitter {
  headersSent = false;
  destroyed = false;
  status = 0;
  headers: Record<string, string | number> = {};
  body = "";
  writeHead(status: number, headers: Record<string, string | number>): this {
    this.status = status;
    this.headers = headers;
    this.headersSent = true;
    return this;
  }
  end(body?: string): this {
    this.body = body ?? "";
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    return this;
  }
}

const asResponse = (fake: FakeResponse) => fake as unknown as ServerResponse;
const provider = { id: "p1", name: "P" } as SnapshotProvider;

describe("OutcomeRecorder", () => {
  it("records a gateway error with the catalogue status it answered", () => {
    const res = new FakeResponse();
    const outcome = new OutcomeRecorder();
    outcome.sendError(asResponse(res), "RATE_LIMITED", "req-1", { "retry-after": "3" });
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("3");
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: "RATE_LIMITED", request_id: "req-1" } });
    expect([outcome.status, outcome.errorCode]).toEqual([429, "RATE_LIMITED"]);
  });

  it("an unexpected failure after the head was sent cuts the connection and keeps the sent status", () => {
    const res = new FakeResponse();
    const outcome = new OutcomeRecorder();
    outcome.recordCommit(provider, 200, null, true);
    res.headersSent = true;
    outcome.sendInternalError(asResponse(res), "req-2");
    expect(res.destroyed).toBe(true);
    expect([outcome.status, outcome.errorCode, outcome.provider, outcome.streamed]).toEqual([
      200,
      "INTERNAL_ERROR",
      provider,
      true,
    ]);
  });

  it("a client that left is logged 499, keeping a more specific error code", () => {
    const broken = new OutcomeRecorder();
    broken.recordCommit(provider, 200, null, true);
    broken.recordBrokenStream("UPSTREAM_RESET");
    broken.recordClientGone();
    expect([broken.status, broken.errorCode]).toEqual([499, "UPSTREAM_RESET"]);

    const plain = new OutcomeRecorder();
    plain.recordClientGone();
    expect([plain.status, plain.errorCode, plain.provider]).toEqual([499, "CLIENT_CLOSED", null]);
  });
});
