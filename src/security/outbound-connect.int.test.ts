/**
 * The guarded connectors against real loopback servers: what the policy allows connects, what it
 * refuses never opens a connection, a name that changes its answer cannot move a connection to a
 * refused address, redirects are not followed, and TLS still verifies the name.
 */
import { afterEach, describe, expect, it } from "vitest";
import { fetch, request, type Agent } from "undici";
import { EMPTY_OUTBOUND_POLICY, parseOutboundAllow, type OutboundPolicy } from "../core/outbound/allow-list";
import { createOutboundAgent, requestOutbound } from "./outbound-connect";
import { isOutboundBlocked, OutboundBlockedError } from "./outbound-guard";
import {
  makeSelfSignedCertificate,
  scriptedResolver,
  startCountingServer,
  startServerPair,
  type CountingServer,
} from "./outbound-test-servers";

function policyOf(value: string): OutboundPolicy {
  const parsed = parseOutboundAllow(value);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.policy;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

async function server(host: string, options?: Parameters<typeof startCountingServer>[1]) {
  const started = await startCountingServer(host, options);
  cleanups.push(() => started.close());
  return started;
}

async function pair(options?: Parameters<typeof startServerPair>[2]) {
  const started = await startServerPair("127.0.0.2", "127.0.0.1", options);
  cleanups.push(
    () => started.allowed.close(),
    () => started.refused.close(),
  );
  return started;
}

function agent(policy: OutboundPolicy, options?: Parameters<typeof createOutboundAgent>[1]): Agent {
  const created = createOutboundAgent(policy, options);
  cleanups.push(() => created.destroy());
  return created;
}

async function getText(url: string, dispatcher: Agent, reset = false) {
  const response = await request(url, { dispatcher, reset });
  return { status: response.statusCode, text: await response.body.text() };
}

/** Awaits a refusal and lets the event loop turn, so a connection that was opened would be counted. */
async function refusal(promise: Promise<unknown>): Promise<OutboundBlockedError> {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  if (!isOutboundBlocked(err)) throw new Error(`expected OUTBOUND_BLOCKED, got ${String(err)}`);
  return (
    err instanceof OutboundBlockedError ? err : (err as { cause: unknown }).cause
  ) as OutboundBlockedError;
}

const LOOPBACK = policyOf("127.0.0.0/8");

describe("createOutboundAgent", () => {
  it("connects to a loopback server allowed by OUTBOUND_ALLOW=127.0.0.0/8, in every spelling", async () => {
    const target: CountingServer = await server("127.0.0.1");
    const dispatcher = agent(LOOPBACK);
    for (const host of ["127.0.0.1", "2130706433", "0x7f.1", "0177.0.0.1", "127.1", "[::ffff:7f00:1]"]) {
      expect(await getText(`http://${host}:${target.port}/x`, dispatcher, true)).toEqual({
        status: 200,
        text: "ok from 127.0.0.1",
      });
    }
    expect(target.connections).toBe(6);
  });

  it("refuses the same server without the allow-list before any byte reaches it", async () => {
    const target = await server("127.0.0.1");
    const dispatcher = agent(EMPTY_OUTBOUND_POLICY);
    for (const host of ["127.0.0.1", "2130706433", "0x7f.1", "0177.0.0.1", "127.1", "[::ffff:7f00:1]"]) {
      const err = await refusal(getText(`http://${host}:${target.port}/`, dispatcher));
      expect(err).toMatchObject({ code: "OUTBOUND_BLOCKED", reason: "loopback" });
      expect(err.message).toContain("OUTBOUND_ALLOW");
    }
    expect(target.connections).toBe(0);
    expect(target.requests).toEqual([]);
  });

  it("resolves names on connect and judges what they resolve to", async () => {
    const target = await server("127.0.0.1");
    const { resolve } = scriptedResolver("upstream.test", [["127.0.0.1"]]);
    const url = `http://upstream.test:${target.port}/`;
    await refusal(getText(url, agent(EMPTY_OUTBOUND_POLICY, { resolve })));
    expect(target.connections).toBe(0);
    expect((await getText(url, agent(LOOPBACK, { resolve }))).status).toBe(200);
    expect((await getText(url, agent(policyOf("upstream.test"), { resolve }))).status).toBe(200);
    expect(target.connections).toBe(2);
  });

  it("refuses a split answer: one refused address refuses the name", async () => {
    const { allowed, refused, port } = await pair();
    const { resolve } = scriptedResolver("split.test", [["127.0.0.2", "127.0.0.1"]]);
    const err = await refusal(
      getText(`http://split.test:${port}/`, agent(policyOf("127.0.0.2"), { resolve })),
    );
    expect(err).toMatchObject({ reason: "loopback", address: "127.0.0.1" });
    expect([allowed.connections, refused.connections]).toEqual([0, 0]);
  });

  it("re-checks every new connection: a name rebound to a refused address is refused", async () => {
    const { allowed, refused, port } = await pair();
    const { resolve, calls } = scriptedResolver("rebind.test", [["127.0.0.2"], ["127.0.0.1"]]);
    const dispatcher = agent(policyOf("127.0.0.2/32"), { resolve });
    const url = `http://rebind.test:${port}/`;
    // `reset` closes the connection after the answer, so the second request needs a new one.
    expect(await getText(url, dispatcher, true)).toEqual({ status: 200, text: "ok from 127.0.0.2" });
    const err = await refusal(getText(url, dispatcher, true));
    expect(err).toMatchObject({ reason: "loopback", address: "127.0.0.1" });
    expect(calls).toEqual(["rebind.test", "rebind.test"]);
    expect([allowed.connections, refused.connections]).toEqual([1, 0]);
  });

  it("tries the next checked address when one is unreachable", async () => {
    const target = await server("127.0.0.2");
    // Nothing listens on 127.0.0.3 at that port: refused there, then 127.0.0.2 answers.
    const { resolve } = scriptedResolver("multi.test", [["127.0.0.3", "127.0.0.2"]]);
    const answer = await getText(`http://multi.test:${target.port}/`, agent(LOOPBACK, { resolve }));
    expect(answer).toEqual({ status: 200, text: "ok from 127.0.0.2" });
    expect(target.connections).toBe(1);
  });

  it("bounds resolving by the connect timeout", async () => {
    const dispatcher = agent(LOOPBACK, {
      resolve: () => new Promise(() => undefined),
      connect: { timeout: 50 },
    });
    await expect(getText("http://slow.test:9/", dispatcher)).rejects.toMatchObject({
      code: "UND_ERR_CONNECT_TIMEOUT",
    });
  });

  it("returns a redirect instead of following it; fetch following one is still refused on connect", async () => {
    const { allowed, refused, port } = await pair({
      handler: (_req, res) => {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/internal` });
        res.end();
      },
    });
    const dispatcher = agent(policyOf("127.0.0.2"));
    const answer = await request(`http://127.0.0.2:${port}/`, { dispatcher });
    await answer.body.dump();
    expect([answer.statusCode, answer.headers.location]).toEqual([302, `http://127.0.0.1:${port}/internal`]);
    await refusal(fetch(`http://127.0.0.2:${port}/`, { dispatcher }));
    expect(refused.connections).toBe(0);
    expect(allowed.requests.length).toBe(2);
  });

  it("connects TLS to the checked address while verifying the certificate against the name", async () => {
    const { key, cert } = makeSelfSignedCertificate("upstream.test");
    const target = await server("127.0.0.2", { tls: { key, cert } });
    const { resolve } = scriptedResolver("upstream.test", [["127.0.0.2"]]);
    const dispatcher = agent(LOOPBACK, { resolve, connect: { ca: cert } });
    expect(await getText(`https://upstream.test:${target.port}/tls`, dispatcher)).toEqual({
      status: 200,
      text: "ok from 127.0.0.2",
    });
    expect(target.requests).toEqual([{ path: "/tls", servername: "upstream.test" }]);
    // The same address under another name: the certificate does not match, so no request is sent.
    const other = scriptedResolver("other.test", [["127.0.0.2"]]);
    const mismatch = agent(LOOPBACK, { resolve: other.resolve, connect: { ca: cert } });
    await expect(getText(`https://other.test:${target.port}/`, mismatch)).rejects.toMatchObject({
      code: "ERR_TLS_CERT_ALTNAME_INVALID",
    });
    expect(target.requests.length).toBe(1);
  });
});

describe("requestOutbound", () => {
  it("resolves once and pins the request to the checked address, whatever the name says next", async () => {
    const { allowed, refused, port } = await pair();
    const { resolve, calls } = scriptedResolver("hook.test", [["127.0.0.2"], ["127.0.0.1"]]);
    const response = await requestOutbound(
      `http://hook.test:${port}/hook?x=1`,
      policyOf("127.0.0.2"),
      { method: "POST", body: "{}", headers: { "content-type": "application/json" } },
      { resolve },
    );
    expect([response.statusCode, await response.body.text()]).toEqual([200, "ok from 127.0.0.2"]);
    expect(calls).toEqual(["hook.test"]);
    expect(allowed.requests).toEqual([{ path: "/hook?x=1", servername: null }]);
    expect(refused.connections).toBe(0);
  });

  it("refuses before connecting, and returns redirects unfollowed", async () => {
    const { allowed, refused, port } = await pair({
      handler: (_req, res) => {
        res.writeHead(307, { location: `http://127.0.0.1:${port}/` });
        res.end();
      },
    });
    const { resolve } = scriptedResolver("hook.test", [["127.0.0.1"]]);
    await refusal(
      requestOutbound(`http://hook.test:${port}/`, policyOf("127.0.0.2"), { method: "GET" }, { resolve }),
    );
    await refusal(requestOutbound(`http://127.1:${port}/`, policyOf("127.0.0.2"), { method: "GET" }));
    const redirected = await requestOutbound(`http://127.0.0.2:${port}/`, policyOf("127.0.0.2"), {
      method: "GET",
    });
    await redirected.body.dump();
    expect(redirected.statusCode).toBe(307);
    expect([allowed.connections, refused.connections]).toEqual([1, 0]);
  });
});
