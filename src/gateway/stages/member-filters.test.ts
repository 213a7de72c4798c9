import { describe, expect, it } from "vitest";
import type { RequestFacts } from "../context/request-facts";
import type { SnapshotMember } from "../snapshot/snapshot-types";
import { MEMBER_FILTERS, passesMemberFilters, type MemberFilter } from "./member-filters";

const member = (id: string) => ({ provider: { id }, priority: 0, weight: 1 }) as unknown as SnapshotMember;
const facts = { route: { path: "/v1/models" }, model: null } as unknown as RequestFacts;

describe("member filters", () => {
  it("a request without a model passes the model filter on every member", () => {
    expect(MEMBER_FILTERS).toHaveLength(1);
    expect(passesMemberFilters(member("a"), facts)).toBe(true);
  });

  it("a member passes only when every filter lets it, and filters see the request's facts", () => {
    const notB: MemberFilter = (m) => m.provider.id !== "b";
    const modelsOnlyOnA: MemberFilter = (m, f) => f.route.path !== "/v1/models" || m.provider.id === "a";
    const filters = [notB, modelsOnlyOnA];
    expect(passesMemberFilters(member("a"), facts, filters)).toBe(true);
    expect(passesMemberFilters(member("b"), facts, filters)).toBe(false);
    expect(passesMemberFilters(member("c"), facts, filters)).toBe(false);
  });
});
