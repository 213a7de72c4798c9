import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import {
  clientAddressOfRequest,
  parseTrustProxy,
  resolveClientAddress,
  TRUST_PROXY_OFF,
  type TrustProxy,
} from "./client-address";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

function trust(value: string): TrustProxy {
  const parsed = parseTrustProxy(value);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.trust;
}

describe("parseTrustProxy", () => {
  it("reads off, true, hop counts and CIDR lists", () => {
    for (const off of [undefined, "", " ", "false", "0"])
      expect(parseTrustProxy(off)).toEqual({ ok: true, trust: { kind: "off" } });
    expect(trust("true")).toEqual({ kind: "all" });
    expect(trust("2")).toEqual({ kind: "hops", hops: 2 });
    expect(trust("10.0.0.0/8, 127.0.0.1 ::1,fd00::/8")).toMatchObject({
      kind: "ranges",
      text: "10.0.0.0/8,127.0.0.1/32,::1/128,fd00::/8",
    });
    expect(trust("::ffff:10.0.0.0/104")).toMatchObject({ text: "10.0.0.0/8" });
  });

  it("refuses what it cannot read, naming it", () => {
    expect(parseTrustProxy("33")).toMatchObject({ ok: false });
    expect(parseTrustProxy("yes")).toEqual({ ok: false, problems: [expect.stringContaining('"yes"')] });
    expect(parseTrustProxy("10.0.0.0/33")).toMatchObject({ ok: false });
    expect(parseTrustProxy("127.1")).toMatchObject({ ok: false });
    expect(parseTrustProxy("0x7f.0.0.1/8")).toMatchObject({ ok: false });
  });
});

describe("resolveClientAddress", () => {
  const spoofed = { peer: "203.0.113.9", xForwardedFor: "1.2.3.4", forwarded: "for=5.6.7.8" };

  it("is the socket peer when off, whatever the headers say", () => {
    expect(resolveClientAddress(spoofed, trust(""))).toBe("203.0.113.9");
    expect(resolveClientAddress({ peer: "::ffff:127.0.0.1" }, trust(""))).toBe("127.0.0.1");
    expect(resolveClientAddress({ peer: undefined }, trust("true"))).toBeNull();
  });

  it("with a hop count, believes exactly that many proxies", () => {
    const input = { peer: "10.0.0.2", xForwardedFor: "6.6.6.6, 198.51.100.7, 10.0.0.1" };
    expect(resolveClientAddress(input, trust("1"))).toBe("10.0.0.1");
    expect(resolveClientAddress(input, trust("2"))).toBe("198.51.100.7");
    expect(resolveClientAddress(input, trust("3"))).toBe("6.6.6.6");
    expect(resolveClientAddress(input, trust("9"))).toBe("6.6.6.6");
    expect(resolveClientAddress({ peer: "10.0.0.2" }, trust("1"))).toBe("10.0.0.2");
  });

  it("with CIDRs, walks trusted proxies only: a client-written entry left of the first untrusted hop is ignored", () => {
    const t = trust("10.0.0.0/8");
    expect(resolveClientAddress({ peer: "10.0.0.2", xForwardedFor: "6.6.6.6, 198.51.100.7" }, t)).toBe(
      "198.51.100.7",
    );
    expect(resolveClientAddress({ peer: "10.0.0.2", xForwardedFor: "198.51.100.7, 10.1.1.1" }, t)).toBe(
      "198.51.100.7",
    );
    // The peer itself is not a trusted proxy: nothing in the headers counts.
    expect(resolveClientAddress({ peer: "203.0.113.9", xForwardedFor: "10.0.0.1" }, t)).toBe("203.0.113.9");
  });

  it("with true, takes the left-most address", () => {
    expect(
      resolveClientAddress(
        { peer: "10.0.0.2", xForwardedFor: ["1.1.1.1, 2.2.2.2", "3.3.3.3"] },
        trust("true"),
      ),
    ).toBe("1.1.1.1");
  });

  it("reads Forwarded when there is no X-Forwarded-For (quoted, bracketed, ports)", () => {
    const t = trust("1");
    expect(
      resolveClientAddress({ peer: "::1", forwarded: 'for="[2001:db8:cafe::17]:4711";proto=https' }, t),
    ).toBe("2001:db8:cafe::17");
    expect(
      resolveClientAddress({ peer: "::1", forwarded: "for=192.0.2.60;proto=http;by=203.0.113.43" }, t),
    ).toBe("192.0.2.60");
    expect(resolveClientAddress({ peer: "::1", xForwardedFor: "198.51.100.1:5678" }, t)).toBe("198.51.100.1");
  });

  it("never answers a hop that is not an address", () => {
    for (const junk of ["unknown", "_hidden", "evil.example", "<script>", "1.2.3.4.5", "", "127.1"]) {
      expect(resolveClientAddress({ peer: "10.0.0.2", xForwardedFor: junk }, trust("true"))).toBe("10.0.0.2");
    }
  });

  it(`always answers the peer or an address from the headers, never other text (seed ${SEED})`, () => {
    const hop = fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 12 }), fc.constant("unknown"));
    const setting = fc.constantFrom("", "true", "1", "2", "10.0.0.0/8,::1");
    fc.assert(
      fc.property(fc.ipV4(), fc.array(hop, { maxLength: 5 }), setting, (peer, hops, value) => {
        const answer = resolveClientAddress({ peer, xForwardedFor: hops.join(", ") }, trust(value));
        expect(answer).not.toBeNull();
        // A valid address: the peer or one taken from the headers, never the text of a junk hop.
        expect(ipaddr.isValid(answer ?? "")).toBe(true);
        if (value === "") expect(answer).toBe(peer);
      }),
      { numRuns: 500, seed: SEED },
    );
  });
});

describe("clientAddressOfRequest (remembered per socket)", () => {
  const trustAll = trust("true");

  it("answers like resolveClientAddress for every request on one socket, headers changing or not", () => {
    const socket = { remoteAddress: "::ffff:10.0.0.1" };
    const requests = [
      { socket, headers: {} },
      { socket, headers: {} },
      { socket, headers: { "x-forwarded-for": "203.0.113.9" } },
      { socket, headers: { "x-forwarded-for": "203.0.113.9" } },
      { socket, headers: { "x-forwarded-for": "198.51.100.7, 203.0.113.9" } },
      { socket, headers: { forwarded: "for=192.0.2.60" } },
      { socket, headers: {} },
    ];
    for (const mode of [TRUST_PROXY_OFF, trustAll]) {
      for (const req of requests) {
        expect(clientAddressOfRequest(req, mode)).toBe(
          resolveClientAddress(
            {
              peer: socket.remoteAddress,
              xForwardedFor: req.headers["x-forwarded-for"],
              forwarded: req.headers.forwarded,
            },
            mode,
          ),
        );
      }
    }
    expect(clientAddressOfRequest({ socket, headers: { "x-forwarded-for": "203.0.113.9" } }, trustAll)).toBe(
      "203.0.113.9",
    );
    expect(
      clientAddressOfRequest({ socket, headers: { "x-forwarded-for": "203.0.113.9" } }, TRUST_PROXY_OFF),
    ).toBe("10.0.0.1");
  });

  it("recomputes when the socket's peer changes, and keeps sockets apart", () => {
    const a = { remoteAddress: "127.0.0.1" };
    const b = { remoteAddress: "::1" };
    expect(clientAddressOfRequest({ socket: a, headers: {} }, TRUST_PROXY_OFF)).toBe("127.0.0.1");
    expect(clientAddressOfRequest({ socket: b, headers: {} }, TRUST_PROXY_OFF)).toBe("::1");
    a.remoteAddress = "192.0.2.1";
    expect(clientAddressOfRequest({ socket: a, headers: {} }, TRUST_PROXY_OFF)).toBe("192.0.2.1");
  });
});
