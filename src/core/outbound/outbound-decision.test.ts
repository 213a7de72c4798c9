import { describe, expect, it } from "vitest";
import { EMPTY_OUTBOUND_POLICY, parseOutboundAllow, type OutboundPolicy } from "./allow-list";
import {
  decideAddress,
  decideResolved,
  describeOutboundDenial,
  planOutboundHost,
  planOutboundUrl,
  type HostPlan,
} from "./outbound-decision";
import { ODD_IPV4_SPELLINGS, ODD_IPV6_SPELLINGS } from "./outbound-test-support";

function policyOf(value: string): OutboundPolicy {
  const parsed = parseOutboundAllow(value);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.policy;
}

/** A plan reduced to a comparable verdict: allowed/denied with its reason, or "resolve". */
function verdictOf(plan: HostPlan): string {
  if (plan.kind === "refused") return `refused:${plan.reason}`;
  if (plan.kind === "name") return "resolve";
  return `${plan.decision.allowed ? "allowed" : "denied"}:${plan.decision.reason}`;
}

const LOOPBACK_ALLOWED = policyOf("127.0.0.0/8");

describe("decideAddress", () => {
  it("passes public addresses, refuses special ones with the range as reason", () => {
    expect(decideAddress("8.8.8.8", EMPTY_OUTBOUND_POLICY)).toEqual({
      allowed: true,
      address: "8.8.8.8",
      reason: "public",
    });
    expect(decideAddress("169.254.169.254", EMPTY_OUTBOUND_POLICY)).toEqual({
      allowed: false,
      address: "169.254.169.254",
      reason: "link_local",
      embedded: null,
    });
    expect(decideAddress("::ffff:7f00:1", EMPTY_OUTBOUND_POLICY)).toEqual({
      allowed: false,
      address: "::ffff:7f00:1",
      reason: "loopback",
      embedded: { form: "ipv4_mapped", address: "127.0.0.1" },
    });
    expect(decideAddress("not-an-ip", EMPTY_OUTBOUND_POLICY)).toMatchObject({
      allowed: false,
      reason: "invalid_address",
    });
  });

  it("lets the allow-list through, naming the entry, and only what it covers", () => {
    expect(decideAddress("127.0.0.1", LOOPBACK_ALLOWED)).toEqual({
      allowed: true,
      address: "127.0.0.1",
      reason: "allow_list",
      range: "loopback",
      entry: "127.0.0.0/8",
    });
    expect(decideAddress("::1", LOOPBACK_ALLOWED)).toMatchObject({ allowed: false, reason: "loopback" });
    expect(decideAddress("10.0.0.1", LOOPBACK_ALLOWED)).toMatchObject({ allowed: false, reason: "private" });
  });
});

describe("odd spellings end in the verdict of their canonical address", () => {
  const policies: readonly (readonly [string, OutboundPolicy])[] = [
    ["no allow-list", EMPTY_OUTBOUND_POLICY],
    ["127.0.0.0/8 allowed", LOOPBACK_ALLOWED],
    ["10.0.0.0/8 and 169.254.169.254 allowed", policyOf("10.0.0.0/8,169.254.169.254")],
  ];
  for (const [label, policy] of policies) {
    it.each([...ODD_IPV4_SPELLINGS, ...ODD_IPV6_SPELLINGS])(`${label}: %j ≡ %s`, (spelling, canonical) => {
      const expected = verdictOf(planOutboundHost(canonical, policy));
      expect(expected).not.toBe("resolve");
      expect(verdictOf(planOutboundHost(spelling, policy))).toBe(expected);
      const urlHost = spelling.includes(":") && !spelling.startsWith("[") ? `[${spelling}]` : spelling;
      expect(verdictOf(planOutboundUrl(`http://${urlHost}:8080/v1`, policy))).toBe(expected);
      expect(verdictOf(planOutboundUrl(new URL(`https://${urlHost}/`), policy))).toBe(expected);
    });
  }

  it("refuses the loopback spellings without an allow-list and lets them through with 127.0.0.0/8", () => {
    for (const url of ["http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "http://127.1/"]) {
      expect(verdictOf(planOutboundUrl(url, EMPTY_OUTBOUND_POLICY))).toBe("denied:loopback");
      expect(verdictOf(planOutboundUrl(url, LOOPBACK_ALLOWED))).toBe("allowed:allow_list");
    }
    expect(verdictOf(planOutboundUrl("http://[::ffff:7f00:1]/", EMPTY_OUTBOUND_POLICY))).toBe(
      "denied:loopback",
    );
    expect(verdictOf(planOutboundUrl("http://[::ffff:7f00:1]/", LOOPBACK_ALLOWED))).toBe(
      "allowed:allow_list",
    );
  });
});

describe("planOutboundUrl", () => {
  it("asks for resolution of a name, and says whether the allow-list names it", () => {
    const policy = policyOf("internal.example.com,*.corp.example");
    expect(planOutboundUrl("https://API.OpenAI.com./v1", policy)).toEqual({
      kind: "name",
      host: "api.openai.com.",
      name: "api.openai.com",
      allowEntry: null,
    });
    expect(planOutboundUrl("http://internal.example.com:8080/", policy)).toMatchObject({
      kind: "name",
      allowEntry: "internal.example.com",
    });
    expect(planOutboundUrl("http://llm.corp.example/", policy)).toMatchObject({
      allowEntry: "*.corp.example",
    });
  });

  it.each([
    ["not a url", "refused:invalid_url"],
    ["ftp://example.com/", "refused:unsupported_scheme"],
    ["file:///etc/passwd", "refused:unsupported_scheme"],
    ["gopher://127.0.0.1:6379/_INFO", "refused:unsupported_scheme"],
    ["http://1.2.3.08/", "refused:invalid_url"],
    ["https://8.8.8.8/dns-query", "allowed:public"],
    ["http://[2606:4700:4700::1111]/", "allowed:public"],
    ["http://0.0.0.0:3000/", "denied:unspecified"],
    ["http://[::]/", "denied:unspecified"],
    ["http://[fd00:ec2::254]/latest/meta-data/", "denied:unique_local"],
    ["http://[64:ff9b::a9fe:a9fe]/", "denied:link_local"],
    ["http://[2002:a9fe:a9fe::1]/", "denied:link_local"],
    ["http://100.100.100.200/", "denied:cgnat"],
    ["http://user:pass@169.254.169.254/", "denied:link_local"],
  ])("%s → %s", (url, expected) => {
    expect(verdictOf(planOutboundUrl(url, EMPTY_OUTBOUND_POLICY))).toBe(expected);
  });
});

describe("decideResolved", () => {
  const plan = (host: string, policy: OutboundPolicy) => {
    const planned = planOutboundHost(host, policy);
    if (planned.kind !== "name") throw new Error(`expected a name: ${host}`);
    return planned;
  };

  it("needs every resolved address to pass: one refused address refuses the name", () => {
    const p = plan("split.example", EMPTY_OUTBOUND_POLICY);
    expect(decideResolved(p, ["8.8.8.8", "1.1.1.1"], EMPTY_OUTBOUND_POLICY)).toEqual({
      allowed: true,
      addresses: ["8.8.8.8", "1.1.1.1"],
    });
    expect(decideResolved(p, ["8.8.8.8", "127.0.0.1"], EMPTY_OUTBOUND_POLICY)).toMatchObject({
      allowed: false,
      denied: { address: "127.0.0.1", reason: "loopback" },
    });
    expect(decideResolved(p, ["2606:4700::1", "::ffff:a00:1"], EMPTY_OUTBOUND_POLICY)).toMatchObject({
      allowed: false,
      denied: { reason: "private" },
    });
    expect(decideResolved(p, [], EMPTY_OUTBOUND_POLICY)).toMatchObject({
      allowed: false,
      denied: { reason: "invalid_address" },
    });
  });

  it("lets every address of a name on the allow-list through", () => {
    const policy = policyOf("internal.example.com");
    const p = plan("Internal.Example.com", policy);
    expect(decideResolved(p, ["10.0.0.5", "fd00::5"], policy)).toEqual({
      allowed: true,
      addresses: ["10.0.0.5", "fd00::5"],
    });
  });

  it("lets resolved addresses covered by an allowed range through", () => {
    const p = plan("localhost", LOOPBACK_ALLOWED);
    expect(decideResolved(p, ["127.0.0.1"], LOOPBACK_ALLOWED).allowed).toBe(true);
    expect(decideResolved(p, ["127.0.0.1", "::1"], LOOPBACK_ALLOWED)).toMatchObject({
      allowed: false,
      denied: { address: "::1", reason: "loopback" },
    });
  });
});

describe("describeOutboundDenial", () => {
  it("names OUTBOUND_ALLOW and what to add to it", () => {
    expect(describeOutboundDenial("internal.example.com", "private", "10.0.0.5")).toBe(
      "Outbound requests to internal.example.com (10.0.0.5) are refused: it is a private (RFC 1918) address. " +
        "To allow it, add 10.0.0.5 or internal.example.com to the OUTBOUND_ALLOW setting and restart.",
    );
    expect(describeOutboundDenial("169.254.169.254", "link_local", "169.254.169.254")).toContain(
      "add 169.254.169.254 to the OUTBOUND_ALLOW setting",
    );
    expect(describeOutboundDenial("ftp.example", "unsupported_scheme", "")).toBe(
      "Only http:// and https:// URLs can be used for outbound requests.",
    );
  });
});
