import { describe, expect, it } from "vitest";
import { buildClientHeaders, buildUpstreamHeaders, headersFromList } from "./forward-headers";
import type { SnapshotProvider } from "./snapshot/snapshot-types";

const provider = (over: Partial<SnapshotProvider> = {}): SnapshotProvider => ({
  id: "p1",
  name: "P",
  headerName: "P",
  origin: "http://127.0.0.1:1",
  basePath: "",
  authStyle: "bearer",
  credential: "secret",
  headers: { "x-extra": "1", authorization: "Bearer from-extra" },
  healthCheckPath: null,
  rateLimitPerMinute: null,
  maxConcurrency: null,
  ...over,
});

describe("buildUpstreamHeaders", () => {
  it("drops hop-by-hop, Connection-listed, credential and spoofable headers; the credential wins", () => {
    const out = buildUpstreamHeaders(
      {
        connection: "close, X-Hop",
        "x-hop": "1",
        "transfer-encoding": "chunked",
        "content-length": "10",
        authorization: "Bearer client",
        "x-api-key": "client",
        cookie: "c",
        host: "gw",
        "x-forwarded-for": "1.1.1.1",
        "x-proxy-provider": "spoof",
        "x-request-id": "theirs",
        "accept-encoding": "gzip",
        accept: "application/json",
      },
      provider(),
      "ours",
    );
    expect(out).toEqual({
      accept: "application/json",
      "x-extra": "1",
      authorization: "Bearer secret",
      "accept-encoding": "identity",
      "x-request-id": "ours",
    });
  });

  it("uses x-api-key or nothing per auth style", () => {
    expect(buildUpstreamHeaders({}, provider({ authStyle: "x-api-key", headers: {} }), "r")).toMatchObject({
      "x-api-key": "secret",
    });
    const none = buildUpstreamHeaders(
      { authorization: "Bearer c" },
      provider({ authStyle: "none", headers: {} }),
      "r",
    );
    expect(none.authorization).toBeUndefined();
    expect(none["x-api-key"]).toBeUndefined();
  });
});

describe("buildClientHeaders", () => {
  it("filters upstream hop-by-hop and x-proxy-* headers and adds ours", () => {
    const out = buildClientHeaders(
      {
        "content-type": "text/event-stream",
        connection: "keep-alive",
        "keep-alive": "timeout=5",
        "transfer-encoding": "chunked",
        "x-proxy-provider": "spoof",
        "x-request-id": "up",
      },
      { requestId: "ours", providerName: "P", providerId: "p1", responseTimeMs: 12, attempts: 2 },
      { "x-ratelimit-limit": "5" },
    );
    expect(out).toEqual([
      "content-type",
      "text/event-stream",
      "x-upstream-request-id",
      "up",
      "x-ratelimit-limit",
      "5",
      "x-proxy-provider",
      "P",
      "x-proxy-provider-id",
      "p1",
      "x-proxy-response-time",
      "12",
      "x-proxy-attempts",
      "2",
      "x-request-id",
      "ours",
    ]);
    expect(headersFromList(out)).toEqual({
      "content-type": "text/event-stream",
      "x-upstream-request-id": "up",
      "x-ratelimit-limit": "5",
      "x-proxy-provider": "P",
      "x-proxy-provider-id": "p1",
      "x-proxy-response-time": "12",
      "x-proxy-attempts": "2",
      "x-request-id": "ours",
    });
  });

  it("never passes an upstream's cookies or CORS headers to the client (the console shares our origin)", () => {
    const out = buildClientHeaders(
      {
        "content-type": "application/json",
        "set-cookie": ["session=upstream; Path=/", "other=1"],
        "set-cookie2": "legacy=1",
        "access-control-allow-origin": "*",
        "access-control-allow-credentials": "true",
        "Access-Control-Expose-Headers": "x-secret",
        "access-control-max-age": "600",
      },
      { requestId: "ours", providerName: "P", providerId: "p1", responseTimeMs: 1, attempts: 1 },
    );
    const names = out.filter((_, i) => i % 2 === 0).map(String);
    expect(names.filter((name) => /cookie|^access-control-/i.test(name))).toEqual([]);
    expect(headersFromList(out)["content-type"]).toBe("application/json");
  });

  it("lets our rate-limit and quota headers replace an upstream's of the same name (one line each)", () => {
    const out = buildClientHeaders(
      {
        "content-type": "application/json",
        "x-ratelimit-limit": "999",
        "x-quota-requests-per-day-limit": "1",
      },
      { requestId: "ours", providerName: "P", providerId: "p1", responseTimeMs: 1, attempts: 1 },
      { "x-ratelimit-limit": "5", "x-quota-requests-per-day-limit": "100" },
    );
    const names = out.filter((_, i) => i % 2 === 0).map(String);
    expect(
      names.filter((n) => n === "x-ratelimit-limit" || n === "x-quota-requests-per-day-limit"),
    ).toHaveLength(2);
    expect(headersFromList(out)).toMatchObject({
      "x-ratelimit-limit": "5",
      "x-quota-requests-per-day-limit": "100",
    });
  });
});
