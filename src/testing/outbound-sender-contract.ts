/**
 * The one behavioural contract of every way to send a guarded HTTP request (the Agent, a Pool on
 * the guarded connector, the pinned one-off request), registered as vitest cases against real
 * loopback servers. Kept out of *.test.ts so it can be shared.
 */
import { afterEach, expect, it } from "vitest";
import type { buildConnector } from "undici";
import { EMPTY_OUTBOUND_POLICY, parseOutboundAllow, type OutboundPolicy } from "@/core/outbound/allow-list";
import { isOutboundBlocked, type ResolveHost } from "@/security/outbound-guard";
import {
  makeSelfSignedCertificate,
  scriptedResolver,
  startCountingServer,
  startServerPair,
  type ServerOptions,
} from "./outbound-test-servers";

export interface SenderAnswer {
  readonly status: number;
  readonly text: string;
  readonly location: string | null;
}

export interface SendOptions {
  readonly resolve?: ResolveHost;
  readonly connect?: buildConnector.BuildOptions;
}

/** One way of sending a guarded GET on a fresh connection; it closes whatever it opened. */
export interface OutboundSender {
  readonly name: string;
  get(url: string, policy: OutboundPolicy, options?: SendOptions): Promise<SenderAnswer>;
}

/** The allow-list parsed, or a thrown error listing its problems. */
export function policyOf(value: string): OutboundPolicy {
  const parsed = parseOutboundAllow(value);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.policy;
}

/** Every spelling of 127.0.0.1 a URL may carry. */
export const LOOPBACK_SPELLINGS = [
  "127.0.0.1",
  "2130706433",
  "0x7f.1",
  "0177.0.0.1",
  "127.1",
  "[::ffff:7f00:1]",
];

/** Awaits a refusal, then lets the event loop turn so that a connection, had one been opened, is counted. */
export async function expectRefusal(promise: Promise<unknown>, reason = "loopback"): Promise<void> {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(isOutboundBlocked(err), `expected OUTBOUND_BLOCKED, got ${String(err)}`).toBe(true);
  const blocked =
    (err as { code?: unknown }).code === "OUTBOUND_BLOCKED" ? err : (err as { cause: unknown }).cause;
  expect(blocked).toMatchObject({ reason });
  expect((blocked as Error).message).toContain("OUTBOUND_ALLOW");
}

/** Registers the shared contract cases for one sender. */
export function describeOutboundSenderContract(sender: OutboundSender): void {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((close) => close()));
  });
  const server = async (host: string, options?: ServerOptions) => {
    const started = await startCountingServer(host, options);
    cleanups.push(() => started.close());
    return started;
  };
  const pair = async (options?: Omit<ServerOptions, "port">) => {
    const started = await startServerPair("127.0.0.2", "127.0.0.1", options);
    cleanups.push(
      () => started.allowed.close(),
      () => started.refused.close(),
    );
    return started;
  };
  const LOOPBACK = policyOf("127.0.0.0/8");

  it("reaches a loopback server allowed by OUTBOUND_ALLOW=127.0.0.0/8, in every spelling", async () => {
    const target = await server("127.0.0.1");
    for (const host of LOOPBACK_SPELLINGS) {
      expect(await sender.get(`http://${host}:${target.port}/x`, LOOPBACK)).toEqual({
        status: 200,
        text: "ok from 127.0.0.1",
        location: null,
      });
    }
    expect(target.connections).toBe(LOOPBACK_SPELLINGS.length);
  });

  it("refuses it without the allow-list before any byte reaches it, in every spelling", async () => {
    const target = await server("127.0.0.1");
    for (const host of LOOPBACK_SPELLINGS) {
      await expectRefusal(sender.get(`http://${host}:${target.port}/`, EMPTY_OUTBOUND_POLICY));
    }
    expect(target.connections).toBe(0);
  });

  it("judges what a name resolves to, unless the allow-list names it", async () => {
    const target = await server("127.0.0.1");
    const { resolve } = scriptedResolver("upstream.test", [["127.0.0.1"]]);
    const url = `http://upstream.test:${target.port}/`;
    await expectRefusal(sender.get(url, EMPTY_OUTBOUND_POLICY, { resolve }));
    expect(target.connections).toBe(0);
    expect((await sender.get(url, LOOPBACK, { resolve })).status).toBe(200);
    expect((await sender.get(url, policyOf("upstream.test"), { resolve })).status).toBe(200);
  });

  it("refuses a split answer, touching neither address", async () => {
    const { allowed, refused, port } = await pair();
    const { resolve } = scriptedResolver("split.test", [["127.0.0.2", "127.0.0.1"]]);
    await expectRefusal(sender.get(`http://split.test:${port}/`, policyOf("127.0.0.2"), { resolve }));
    expect([allowed.connections, refused.connections]).toEqual([0, 0]);
  });

  it("resolves once per connection and connects where it checked: a rebound name never gets through", async () => {
    const { allowed, refused, port } = await pair();
    const { resolve, calls } = scriptedResolver("rebind.test", [["127.0.0.2"], ["127.0.0.1"]]);
    const url = `http://rebind.test:${port}/`;
    expect((await sender.get(url, policyOf("127.0.0.2"), { resolve })).text).toBe("ok from 127.0.0.2");
    await expectRefusal(sender.get(url, policyOf("127.0.0.2"), { resolve }));
    expect(calls).toEqual(["rebind.test", "rebind.test"]);
    expect([allowed.connections, refused.connections]).toEqual([1, 0]);
  });

  it("returns a redirect to an internal address instead of following it", async () => {
    const { allowed, refused, port } = await pair({
      handler: (_req, res) => {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/internal` });
        res.end();
      },
    });
    const answer = await sender.get(`http://127.0.0.2:${port}/`, policyOf("127.0.0.2"));
    expect([answer.status, answer.location]).toEqual([302, `http://127.0.0.1:${port}/internal`]);
    expect([allowed.requests.length, refused.connections]).toEqual([1, 0]);
  });

  it("connects TLS to the checked address and verifies the certificate against the name", async () => {
    const { key, cert } = makeSelfSignedCertificate("upstream.test");
    const target = await server("127.0.0.2", { tls: { key, cert } });
    const { resolve } = scriptedResolver("upstream.test", [["127.0.0.2"]]);
    const answer = await sender.get(`https://upstream.test:${target.port}/tls`, LOOPBACK, {
      resolve,
      connect: { ca: cert },
    });
    expect(answer.text).toBe("ok from 127.0.0.2");
    expect(target.requests).toEqual([{ path: "/tls", servername: "upstream.test" }]);
    // The same address under a name the certificate does not carry: no request is sent.
    const other = scriptedResolver("other.test", [["127.0.0.2"]]);
    await expect(
      sender.get(`https://other.test:${target.port}/`, LOOPBACK, {
        resolve: other.resolve,
        connect: { ca: cert },
      }),
    ).rejects.toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID" });
    expect(target.requests.length).toBe(1);
  });
}
