import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";

/**
 * Path confinement through a real gateway: the upstream resolves every path it receives with
 * `new URL()` (as a WHATWG-based server does) and records whether it left the base path `/base/v1`.
 */

const BASE = "/base/v1";
const ATTACKS = [
  "/../../admin",
  "/v1/..\\..\\admin",
  "/%2e%2e/%2E%2e/admin",
  "/.%2e/admin",
  "/x%2f..%2f..%2fadmin",
  "/x/..%5c..%5cadmin",
  "/..;/..;/admin",
  "/%252e%252e/%252e%252e/admin",
  "/%2e%09%2e/admin",
  "/%EF%BC%8E%EF%BC%8E/admin",
  "//evil.example/admin",
];

let h: GatewayHarness;
let upstream: Server;
let slug: string;
let key: string;
const seen: { raw: string; resolved: string }[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const resolved = new URL(req.url ?? "/", "http://upstream.test").pathname;
    seen.push({ raw: req.url ?? "", resolved });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ resolved }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const port = (upstream.address() as AddressInfo).port;
  h = await startGatewayHarness();
  ({ slug, key } = await h.addRoute({ baseUrl: `http://127.0.0.1:${port}${BASE}`, apiKey: "prov-secret" }));
});

afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
});

/** Sends the request line byte for byte (fetch and http.request would normalise or refuse it). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(h.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
    socket.write(
      `GET /api/proxy/${slug}${path} HTTP/1.1\r\nhost: gw\r\nx-api-key: ${key}\r\nconnection: close\r\n\r\n`,
    );
  });
}

describe("path confinement", () => {
  it.each(ATTACKS)("refuses %j with 400 PATH_NOT_ALLOWED; the upstream never sees it", async (path) => {
    const before = seen.length;
    const res = await rawGet(path);
    expect(res.status).toBe(400);
    expect(res.body).toContain('"code":"PATH_NOT_ALLOWED"');
    expect(seen.length).toBe(before);
  });

  it("passes a plain path through, under the base path", async () => {
    const res = await rawGet("/chat/completions");
    expect(res.status).toBe(200);
    expect(seen.at(-1)?.resolved).toBe(`${BASE}/chat/completions`);
    expect(seen.every((s) => s.resolved.startsWith(`${BASE}/`))).toBe(true);
  });

  it("logs a refusal as a warning and as a request-log row", async () => {
    await rawGet("/..%2f..%2fadmin");
    const warning = h.logLines.find((line) => line.includes("proxied path refused"));
    expect(warning).toBeDefined();
    expect(warning).not.toContain(key);
    const rows = await h.requestLogs();
    expect(rows.some((r) => r.errorCode === "PATH_NOT_ALLOWED" && r.status === 400)).toBe(true);
  });
});
