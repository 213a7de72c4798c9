/**
 * Property tests: whatever the spelling, a host gets the verdict of the address it stands for.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EMPTY_OUTBOUND_POLICY, parseOutboundAllow, type OutboundPolicy } from "./allow-list";
import { decideAddress, planOutboundHost, planOutboundUrl, type HostPlan } from "./outbound-decision";

const RUNS = { numRuns: 400 };

const dotted = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join(".");
const hexWords = (n: number) => `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;

function verdictOf(plan: HostPlan): string {
  if (plan.kind !== "address") return plan.kind;
  return plan.decision.allowed ? `allowed:${plan.decision.reason}` : `denied:${plan.decision.reason}`;
}

const verdictOfAddress = (address: string, policy: OutboundPolicy) => {
  const decision = decideAddress(address, policy);
  return decision.allowed ? `allowed:${decision.reason}` : `denied:${decision.reason}`;
};

/** Any IPv4 address, half the time in a range with a top byte that special-purpose ranges start with. */
const ipv4Int = fc.oneof(
  fc.nat({ max: 0xffffffff }),
  fc
    .tuple(
      fc.constantFrom(0, 10, 100, 127, 169, 172, 192, 198, 203, 224, 240, 255),
      fc.nat({ max: 0xffffff }),
    )
    .map(([high, low]) => high * 2 ** 24 + low),
);

type Radix = "dec" | "oct" | "hex" | "HEX";
const radix = fc.constantFrom<Radix>("dec", "oct", "hex", "HEX");

function spell(value: number, how: Radix): string {
  if (how === "oct") return `0${value.toString(8)}`;
  if (how === "hex") return `0x${value.toString(16)}`;
  if (how === "HEX") return `0X${value.toString(16).toUpperCase()}`;
  return String(value);
}

/** An IPv4 address and one of its legacy spellings: 1–4 parts, each decimal, octal or hex. */
const spelledIPv4 = fc
  .record({
    n: ipv4Int,
    parts: fc.integer({ min: 1, max: 4 }),
    radixes: fc.array(radix, { minLength: 4, maxLength: 4 }),
    trailingDot: fc.boolean(),
  })
  .map(({ n, parts, radixes, trailingDot }) => {
    const bytes = [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    const leading = bytes.slice(0, parts - 1);
    const lastBits = 8 * (5 - parts);
    const last = lastBits === 32 ? n : n % 2 ** lastBits;
    const spelled = [...leading, last].map((value, i) => spell(value, radixes[i] ?? "dec")).join(".");
    return { n, spelled: trailingDot ? `${spelled}.` : spelled };
  });

const allowLists = fc.constantFrom(
  EMPTY_OUTBOUND_POLICY,
  ...["127.0.0.0/8", "10.0.0.0/8,169.254.0.0/16", "0.0.0.0/1", "::ffff:192.168.0.0/112"].map((v) => {
    const parsed = parseOutboundAllow(v);
    if (!parsed.ok) throw new Error(v);
    return parsed.policy;
  }),
);

describe("outbound verdicts over spellings (property)", () => {
  it("every legacy IPv4 spelling is read as its address and judged like it", () => {
    fc.assert(
      fc.property(spelledIPv4, allowLists, ({ n, spelled }, policy) => {
        expect(new URL(`http://${spelled}/`).hostname).toBe(dotted(n));
        const plan = planOutboundHost(spelled, policy);
        expect(plan).toMatchObject({ kind: "address", decision: { address: dotted(n) } });
        expect(verdictOf(plan)).toBe(verdictOfAddress(dotted(n), policy));
        expect(verdictOf(planOutboundUrl(`https://${spelled}:443/x`, policy))).toBe(verdictOf(plan));
      }),
      RUNS,
    );
  });

  it("an IPv4-mapped address, in any spelling, is judged like the IPv4 address", () => {
    fc.assert(
      fc.property(ipv4Int, allowLists, fc.boolean(), (n, policy, dottedTail) => {
        const mapped = dottedTail ? `::ffff:${dotted(n)}` : `0:0:0:0:0:FFFF:${hexWords(n)}`;
        const expected = verdictOfAddress(dotted(n), policy);
        expect(verdictOfAddress(mapped, policy)).toBe(expected);
        expect(verdictOf(planOutboundUrl(`http://[${mapped}]/`, policy))).toBe(expected);
      }),
      RUNS,
    );
  });

  it("NAT64 and 6to4 addresses are refused exactly when the IPv4 address inside is", () => {
    fc.assert(
      fc.property(ipv4Int, fc.nat({ max: 0xffff }), (n, subnet) => {
        const inner = decideAddress(dotted(n), EMPTY_OUTBOUND_POLICY);
        for (const form of [`64:ff9b::${hexWords(n)}`, `2002:${hexWords(n)}:${subnet.toString(16)}::1`]) {
          const outer = decideAddress(form, EMPTY_OUTBOUND_POLICY);
          expect(outer.allowed).toBe(inner.allowed);
          expect(outer.reason).toBe(inner.reason);
        }
      }),
      RUNS,
    );
  });

  it("an IPv6 address is judged the same in every spelling", () => {
    const groups = fc.array(fc.nat({ max: 0xffff }), { minLength: 8, maxLength: 8 });
    // Bias towards the interesting prefixes: random 16-bit words rarely hit them.
    const prefixes = fc.constantFrom(null, 0, 0xfc00, 0xfd00, 0xfe80, 0xff02, 0x2001, 0x2002, 0x64, 0x2606);
    fc.assert(
      fc.property(groups, prefixes, allowLists, (words, prefix, policy) => {
        const parts = prefix === null ? words : [prefix, ...words.slice(1)];
        const expanded = parts.map((w) => w.toString(16).toUpperCase().padStart(4, "0")).join(":");
        const canonical = new URL(`http://[${expanded}]/`).hostname.slice(1, -1);
        const expected = verdictOfAddress(canonical, policy);
        expect(verdictOfAddress(expanded, policy)).toBe(expected);
        expect(verdictOf(planOutboundHost(expanded, policy))).toBe(expected);
        expect(verdictOf(planOutboundUrl(`http://[${expanded}]:1/`, policy))).toBe(expected);
      }),
      RUNS,
    );
  });

  it("an allow-list entry covering an address lets every spelling of it through", () => {
    fc.assert(
      fc.property(spelledIPv4, fc.integer({ min: 0, max: 32 }), ({ n, spelled }, prefix) => {
        const network = prefix === 0 ? 0 : (n & (0xffffffff << (32 - prefix))) >>> 0;
        const parsed = parseOutboundAllow(`${dotted(network)}/${prefix}`);
        if (!parsed.ok) throw new Error(parsed.problems.join());
        const plan = planOutboundHost(spelled, parsed.policy);
        expect(plan.kind === "address" && plan.decision.allowed).toBe(true);
        expect(decideAddress(`::ffff:${hexWords(n)}`, parsed.policy).allowed).toBe(true);
      }),
      RUNS,
    );
  });
});
