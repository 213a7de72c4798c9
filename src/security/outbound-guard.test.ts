import { describe, expect, it } from "vitest";
import { isAppError } from "../core/errors/catalogue";
import { EMPTY_OUTBOUND_POLICY, parseOutboundAllow, type OutboundPolicy } from "../core/outbound/allow-list";
import { planOutboundHost } from "../core/outbound/outbound-decision";
import { ODD_IPV4_SPELLINGS, ODD_IPV6_SPELLINGS } from "../core/outbound/outbound-test-support";
import {
  assertOutboundHostAllowed,
  assertOutboundUrlAllowed,
  checkOutboundHost,
  checkOutboundUrl,
  isOutboundBlocked,
  OutboundBlockedError,
  ResolveTimeoutError,
  type ResolveHost,
} from "./outbound-guard";

function policyOf(value: string): OutboundPolicy {
  const parsed = parseOutboundAllow(value);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.policy;
}

/** A resolver answering from a table, counting its calls. */
function tableResolver(table: Record<string, readonly string[]>) {
  const calls: string[] = [];
  const resolve: ResolveHost = async (name) => {
    calls.push(name);
    const answer = table[name];
    if (answer === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" });
    }
    return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { resolve, calls };
}

const refusalOf = async (promise: Promise<unknown>): Promise<OutboundBlockedError> => {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof OutboundBlockedError)) throw new Error(`expected a refusal, got ${String(err)}`);
  return err;
};

describe("checkOutboundUrl", () => {
  it("resolves a name and returns every address, pinned to the first", async () => {
    const { resolve } = tableResolver({ "api.example.com": ["203.0.114.7", "2606:4700::1"] });
    await expect(
      checkOutboundUrl("https://API.example.com/v1", EMPTY_OUTBOUND_POLICY, { resolve }),
    ).resolves.toEqual({
      host: "api.example.com",
      name: "api.example.com",
      addresses: ["203.0.114.7", "2606:4700::1"],
      pinned: "203.0.114.7",
    });
  });

  it("refuses the name when any resolved address is refused, naming OUTBOUND_ALLOW", async () => {
    const { resolve } = tableResolver({ "split.example": ["8.8.8.8", "10.0.0.7"] });
    const err = await refusalOf(
      checkOutboundUrl("http://split.example/", EMPTY_OUTBOUND_POLICY, { resolve }),
    );
    expect(err).toMatchObject({
      code: "OUTBOUND_BLOCKED",
      host: "split.example",
      reason: "private",
      address: "10.0.0.7",
    });
    expect(err.message).toContain("OUTBOUND_ALLOW");
    expect(err.message).toContain("add 10.0.0.7 or split.example");
    expect(isOutboundBlocked(err)).toBe(true);
    expect(isOutboundBlocked(new TypeError("fetch failed", { cause: err }))).toBe(true);
    expect(isOutboundBlocked(new Error("other"))).toBe(false);
  });

  it("judges an address literal without resolving anything", async () => {
    const { resolve, calls } = tableResolver({});
    const err = await refusalOf(
      checkOutboundUrl("http://169.254.169.254/latest", EMPTY_OUTBOUND_POLICY, { resolve }),
    );
    expect(err).toMatchObject({ reason: "link_local", address: "169.254.169.254" });
    await expect(
      checkOutboundUrl("http://[2606:4700::1]:8443/", EMPTY_OUTBOUND_POLICY, { resolve }),
    ).resolves.toEqual({
      host: "[2606:4700::1]",
      name: null,
      addresses: ["2606:4700::1"],
      pinned: "2606:4700::1",
    });
    expect(calls).toEqual([]);
  });

  it("gives every odd spelling of an address its canonical verdict, through URL and as a bare host", async () => {
    const { resolve, calls } = tableResolver({});
    for (const [spelling, canonical] of [...ODD_IPV4_SPELLINGS, ...ODD_IPV6_SPELLINGS]) {
      const expected = planOutboundHost(canonical, EMPTY_OUTBOUND_POLICY);
      if (expected.kind !== "address") throw new Error(canonical);
      const urlHost = spelling.includes(":") && !spelling.startsWith("[") ? `[${spelling}]` : spelling;
      const viaUrl = checkOutboundUrl(`http://${urlHost}:1/`, EMPTY_OUTBOUND_POLICY, { resolve });
      const viaHost = checkOutboundHost(spelling, EMPTY_OUTBOUND_POLICY, { resolve });
      if (expected.decision.allowed) {
        await expect(viaUrl).resolves.toMatchObject({ pinned: canonical });
        await expect(viaHost).resolves.toMatchObject({ pinned: canonical });
      } else {
        for (const refusal of [await refusalOf(viaUrl), await refusalOf(viaHost)]) {
          expect([spelling, refusal.reason, refusal.address]).toEqual([
            spelling,
            expected.decision.reason,
            canonical,
          ]);
        }
      }
    }
    expect(calls).toEqual([]);
  });

  it("lets an allow-listed name through whatever it resolves to, and allowed ranges", async () => {
    const { resolve } = tableResolver({ "llm.corp.example": ["10.0.0.5"], "box.test": ["127.0.0.1"] });
    const policy = policyOf("*.corp.example,127.0.0.0/8");
    await expect(checkOutboundUrl("http://llm.corp.example/", policy, { resolve })).resolves.toMatchObject({
      pinned: "10.0.0.5",
    });
    await expect(checkOutboundUrl("http://box.test/", policy, { resolve })).resolves.toMatchObject({
      pinned: "127.0.0.1",
    });
  });

  it("refuses other schemes and malformed URLs", async () => {
    for (const [url, reason] of [
      ["file:///etc/passwd", "unsupported_scheme"],
      ["gopher://127.0.0.1:6379/_", "unsupported_scheme"],
      ["http://", "invalid_url"],
    ] as const) {
      expect((await refusalOf(checkOutboundUrl(url, EMPTY_OUTBOUND_POLICY))).reason).toBe(reason);
    }
    expect((await refusalOf(checkOutboundHost("smtp.example:25", EMPTY_OUTBOUND_POLICY))).reason).toBe(
      "invalid_host",
    );
  });

  it("passes the resolver's failure on, and gives up on a resolver that does not answer", async () => {
    const { resolve } = tableResolver({});
    await expect(
      checkOutboundUrl("http://nowhere.test/", EMPTY_OUTBOUND_POLICY, { resolve }),
    ).rejects.toMatchObject({
      code: "ENOTFOUND",
    });
    const silent: ResolveHost = () => new Promise(() => undefined);
    const err: unknown = await checkOutboundUrl("http://slow.test/", EMPTY_OUTBOUND_POLICY, {
      resolve: silent,
      resolveTimeoutMs: 20,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResolveTimeoutError);
    expect(err).toMatchObject({ code: "ETIMEOUT" });
  });

  it("uses the system resolver by default: localhost is loopback", async () => {
    const err = await refusalOf(checkOutboundUrl("http://localhost:3000/", EMPTY_OUTBOUND_POLICY));
    expect(err).toMatchObject({ host: "localhost", reason: "loopback" });
    await expect(checkOutboundHost("localhost", policyOf("127.0.0.0/8,::1"))).resolves.toMatchObject({
      name: "localhost",
    });
  });
});

describe("save-time assertions", () => {
  it("turn a refusal into 400 OUTBOUND_BLOCKED with host, address and reason", async () => {
    const err: unknown = await assertOutboundUrlAllowed("http://0x7f.1:8080/", EMPTY_OUTBOUND_POLICY).catch(
      (e: unknown) => e,
    );
    expect(isAppError(err)).toBe(true);
    expect(err).toMatchObject({
      code: "OUTBOUND_BLOCKED",
      status: 400,
      details: { host: "127.0.0.1", address: "127.0.0.1", reason: "loopback" },
    });
    expect((err as Error).message).toContain("OUTBOUND_ALLOW");
    const smtp: unknown = await assertOutboundHostAllowed("10.1.2.3", EMPTY_OUTBOUND_POLICY).catch(
      (e: unknown) => e,
    );
    expect(smtp).toMatchObject({ code: "OUTBOUND_BLOCKED", details: { reason: "private" } });
  });

  it("accept allowed targets, and names that do not resolve (each connection checks again)", async () => {
    const { resolve } = tableResolver({ "api.example.com": ["8.8.4.4"] });
    await expect(
      assertOutboundUrlAllowed("https://api.example.com/", EMPTY_OUTBOUND_POLICY, { resolve }),
    ).resolves.toBe(undefined);
    await expect(
      assertOutboundUrlAllowed("https://later.example/", EMPTY_OUTBOUND_POLICY, { resolve }),
    ).resolves.toBe(undefined);
    await expect(assertOutboundHostAllowed("127.0.0.1", policyOf("127.0.0.0/8"))).resolves.toBe(undefined);
  });
});
