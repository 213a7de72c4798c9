/**
 * The guarded connectors against real loopback servers: the shared contract for each way of
 * sending, then what is particular to each.
 */
import { afterEach, describe, expect, it } from "vitest";
import { fetch, Pool, request, type Agent } from "undici";
import { createGuardedConnector, createOutboundAgent, requestOutbound } from "./outbound-connect";
import {
  describeOutboundSenderContract,
  expectRefusal,
  policyOf,
  type OutboundSender,
  type SenderAnswer,
} from "@/testing/outbound-sender-contract";
import { scriptedResolver, startCountingServer, startServerPair } from "@/testing/outbound-test-servers";

async function answerOf(response: {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: { text(): Promise<string> };
}): Promise<SenderAnswer> {
  const location = response.headers.location;
  return {
    status: response.statusCode,
    text: await response.body.text(),
    location: typeof location === "string" ? location : null,
  };
}

const SENDERS: readonly OutboundSender[] = [
  {
    name: "createOutboundAgent",
    async get(url, policy, options = {}) {
      const agent = createOutboundAgent(policy, options);
      try {
        return await answerOf(await request(url, { dispatcher: agent }));
      } finally {
        await agent.destroy();
      }
    },
  },
  {
    name: "Pool with createGuardedConnector",
    async get(url, policy, options = {}) {
      const parsed = new URL(url);
      const pool = new Pool(parsed.origin, { connect: createGuardedConnector(policy, options) });
      try {
        return await answerOf(
          await pool.request({ method: "GET", path: `${parsed.pathname}${parsed.search}` }),
        );
      } finally {
        await pool.destroy();
      }
    },
  },
  {
    name: "requestOutbound",
    async get(url, policy, options = {}) {
      const { resolve, connect } = options;
      return answerOf(await requestOutbound(url, policy, { method: "GET", connect }, { resolve }));
    },
  },
];

for (const sender of SENDERS) {
  describe(`outbound sender contract: ${sender.name}`, () => {
    describeOutboundSenderContract(sender);
  });
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

function agent(...args: Parameters<typeof createOutboundAgent>): Agent {
  const created = createOutboundAgent(...args);
  cleanups.push(() => created.destroy());
  return created;
}

async function pair(options?: Parameters<typeof startServerPair>[2]) {
  const started = await startServerPair("127.0.0.2", "127.0.0.1", options);
  cleanups.push(
    () => started.allowed.close(),
    () => started.refused.close(),
  );
  return started;
}

const LOOPBACK = policyOf("127.0.0.0/8");

describe("createOutboundAgent over time", () => {
  it("keeps a checked keep-alive connection, and re-checks when it opens a new one", async () => {
    const { allowed, refused, port } = await pair();
    const { resolve, calls } = scriptedResolver("rebind.test", [["127.0.0.2"], ["127.0.0.1"]]);
    // One connection per origin, so reuse is certain rather than up to the pool.
    const dispatcher = agent(policyOf("127.0.0.2/32"), { resolve, agent: { connections: 1 } });
    const url = `http://rebind.test:${port}/`;
    for (let i = 0; i < 3; i++)
      expect(await (await request(url, { dispatcher })).body.text()).toBe("ok from 127.0.0.2");
    expect(calls).toHaveLength(1);
    // `reset` closes the connection after the answer, so the next request needs a new one.
    await (await request(url, { dispatcher, reset: true })).body.dump();
    await expectRefusal(request(url, { dispatcher }));
    expect(calls).toHaveLength(2);
    expect([allowed.connections, refused.connections]).toEqual([1, 0]);
  });

  it("refuses a redirect that fetch follows, when it connects to the refused address", async () => {
    const { allowed, refused, port } = await pair({
      handler: (_req, res) => {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/internal` });
        res.end();
      },
    });
    await expectRefusal(fetch(`http://127.0.0.2:${port}/`, { dispatcher: agent(policyOf("127.0.0.2")) }));
    expect([allowed.requests.length, refused.connections]).toEqual([1, 0]);
  });
});

describe("createGuardedConnector", () => {
  it("tries the next checked address when one is unreachable", async () => {
    const target = await startCountingServer("127.0.0.2");
    cleanups.push(() => target.close());
    // Nothing listens on 127.0.0.3 at that port: refused there, then 127.0.0.2 answers.
    const { resolve } = scriptedResolver("multi.test", [["127.0.0.3", "127.0.0.2"]]);
    const response = await request(`http://multi.test:${target.port}/`, {
      dispatcher: agent(LOOPBACK, { resolve }),
    });
    expect(await response.body.text()).toBe("ok from 127.0.0.2");
    expect(target.connections).toBe(1);
  });

  it("bounds resolving by the connect timeout", async () => {
    const dispatcher = agent(LOOPBACK, {
      resolve: () => new Promise(() => undefined),
      connect: { timeout: 50 },
    });
    await expect(request("http://slow.test:9/", { dispatcher })).rejects.toMatchObject({
      code: "UND_ERR_CONNECT_TIMEOUT",
    });
  });
});

describe("requestOutbound", () => {
  it("sends method, headers, body, path and query to the pinned address, resolving once", async () => {
    const { allowed, refused, port } = await pair({
      handler: (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              method: req.method,
              type: req.headers["content-type"],
              body: Buffer.concat(chunks).toString(),
            }),
          );
        });
      },
    });
    const { resolve, calls } = scriptedResolver("hook.test", [["127.0.0.2"], ["127.0.0.1"]]);
    const response = await requestOutbound(
      `http://hook.test:${port}/hook?x=1`,
      policyOf("127.0.0.2"),
      { method: "POST", body: '{"a":1}', headers: { "content-type": "application/json" } },
      { resolve },
    );
    expect(await response.body.json()).toEqual({ method: "POST", type: "application/json", body: '{"a":1}' });
    expect(calls).toEqual(["hook.test"]);
    expect(allowed.requests).toEqual([{ path: "/hook?x=1", servername: null }]);
    expect(refused.connections).toBe(0);
  });
});
