import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createMetrics } from "./metrics";

/**
 * Who may scrape `/metrics`: without METRICS_TOKEN only loopback peers (safe by default); with it,
 * anyone holding the token. A remote peer is simulated by overriding the socket's address before the
 * real handler runs (tests only reach loopback).
 */
let server: Server | null = null;

async function serve(token: string | undefined, peer: string | null): Promise<string> {
  const metrics = createMetrics({ token });
  server = createServer((req, res) => {
    if (peer !== null)
      Object.defineProperty(req.socket, "remoteAddress", { value: peer, configurable: true });
    void metrics.handler(req, res);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

describe("/metrics access", () => {
  it("answers loopback peers without a token", async () => {
    expect((await fetch(await serve(undefined, null))).status).toBe(200);
  });

  it("refuses other peers without a token, naming METRICS_TOKEN", async () => {
    for (const peer of ["203.0.113.9", "::ffff:10.0.0.2", "2001:db8::1"]) {
      const url = await serve(undefined, peer);
      const res = await fetch(url);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "FORBIDDEN", message: /METRICS_TOKEN/ } });
      server!.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = null;
    }
    expect((await fetch(await serve(undefined, "::ffff:127.0.0.1"))).status).toBe(200);
  });

  it("with METRICS_TOKEN set, answers any peer holding it and refuses the rest", async () => {
    const url = await serve("metrics-token-1234", "203.0.113.9");
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "Bearer metrics-token-1234" } })).status).toBe(200);
  });
});
