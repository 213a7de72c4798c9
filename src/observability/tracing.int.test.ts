import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";
import { createLogger } from "./logger";
import { parseOtlpHeaders, startTracing, type RequestTracer } from "./tracing";

/**
 * OpenTelemetry traces against a local OTLP/HTTP receiver on loopback: a request that fails over
 * from a 503 upstream to a healthy one becomes one SERVER span with two CLIENT children (same trace,
 * parent = the request span, timings inside the request's), exported with the configured headers.
 */

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  events?: { name: string }[];
  status?: { code?: number };
}

let receiver: Server;
let endpoint: string;
const exports: {
  headers: Record<string, string | string[] | undefined>;
  spans: OtlpSpan[];
  service: string;
}[] = [];
let h: GatewayHarness;
let tracer: RequestTracer;
let bad: MockUpstream;
let good: MockUpstream;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url === "/v1/traces" && req.method === "POST") {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            scopeSpans: { spans: OtlpSpan[] }[];
          }[];
        };
        for (const rs of body.resourceSpans) {
          const service =
            rs.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue ?? "";
          exports.push({ headers: req.headers, service, spans: rs.scopeSpans.flatMap((s) => s.spans) });
        }
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  tracer = await startTracing({
    endpoint,
    headers: "x-api-key=collector%20key,x-tenant=ops",
    serviceName: "roundabout-test",
    serviceVersion: "0.0.0-test",
    logger: createLogger("silent"),
    scheduledDelayMs: 50,
  });
  h = await startGatewayHarness({
    gatewayOptions: { backoffBaseMs: 5, backoffCapMs: 20, retryBudget: false },
    logWriterOptions: { onWrite: (row) => tracer.record(row) },
  });
  bad = await startMockUpstream({ behaviour: { mode: "status", status: 503 } });
  good = await startMockUpstream();
}, 120_000);

afterAll(async () => {
  await h?.close();
  await tracer?.shutdown();
  await bad?.close();
  await good?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const attr = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
};

describe("OpenTelemetry traces", () => {
  it("exports one request span with a child per attempt over OTLP/HTTP", async () => {
    const g = await h.addGroup({ slug: "traced", maxAttempts: 2 });
    const b = await h.addProvider({ name: "traced-bad", baseUrl: bad.url });
    const o = await h.addProvider({ name: "traced-good", baseUrl: good.url });
    await h.addMember(g.id, b.id, { priority: 0 });
    await h.addMember(g.id, o.id, { priority: 1 });
    const { key } = await h.addKey();
    await h.reload();

    const res = await fetch(h.proxyUrl("traced", "/v1/chat/completions"), {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const requestId = res.headers.get("x-request-id")!;
    await h.requestLogs();

    let spans: OtlpSpan[] = [];
    for (let i = 0; i < 100 && spans.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const server = exports
        .flatMap((e) => e.spans)
        .find((s) => attr(s, "roundabout.request_id") === requestId);
      spans = server ? exports.flatMap((e) => e.spans).filter((s) => s.traceId === server.traceId) : [];
    }
    const server = spans.find((s) => s.parentSpanId === undefined || s.parentSpanId === "")!;
    const attempts = spans.filter((s) => s !== server);
    expect(server).toMatchObject({ name: "POST /api/proxy/{group}", kind: 2 });
    expect(attr(server, "http.response.status_code")).toBe(200);
    expect(attr(server, "roundabout.group")).toBe("traced");
    expect(attr(server, "roundabout.provider")).toBe("traced-good");
    expect(attempts).toHaveLength(2);
    for (const a of attempts) {
      expect(a).toMatchObject({ name: "upstream attempt", kind: 3, parentSpanId: server.spanId });
      expect(BigInt(a.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(server.startTimeUnixNano));
      expect(BigInt(a.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(server.endTimeUnixNano));
    }
    const [first, second] = attempts.sort(
      (x, y) => Number(attr(x, "roundabout.attempt.index")) - Number(attr(y, "roundabout.attempt.index")),
    );
    expect(attr(first!, "roundabout.provider")).toBe("traced-bad");
    expect(attr(first!, "http.response.status_code")).toBe(503);
    expect(first!.status?.code).toBe(2);
    expect(attr(second!, "roundabout.provider")).toBe("traced-good");
    expect(second!.events?.map((e) => e.name)).toContain("first byte");

    const exported = exports.find((e) => e.spans.includes(server))!;
    expect(exported.service).toBe("roundabout-test");
    expect(exported.headers["x-api-key"]).toBe("collector key");
    expect(exported.headers["x-tenant"]).toBe("ops");
  });

  it("parses OTLP header lists", () => {
    expect(parseOtlpHeaders("a=1, b = two%2C ,bad,=x")).toEqual({ a: "1", b: "two," });
    expect(parseOtlpHeaders(undefined)).toEqual({});
  });
});
