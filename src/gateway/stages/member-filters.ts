import type { RequestFacts } from "../context/request-facts";
import type { SnapshotMember } from "../snapshot/snapshot-types";
import { servesRequestModel } from "./serves-model-filter";

/**
 * Filters that narrow which members of the group a request may go to, before health and balancing
 * pick one (e.g. only providers serving the requested model). A filter returning false makes the
 * member ineligible for this request, exactly like a member the health layer has out of service: it
 * is never picked, and when no member passes the request is answered NO_PROVIDER_AVAILABLE.
 * Add one by writing a `MemberFilter` in its own file and listing it in MEMBER_FILTERS.
 * Filters run once per member per pick: keep them cheap (no I/O, no allocation).
 */
export type MemberFilter = (member: SnapshotMember, facts: RequestFacts) => boolean;

/** Every filter, applied in order. */
export const MEMBER_FILTERS: readonly MemberFilter[] = [servesRequestModel];

/** True when every filter in `filters` lets `member` serve this request. */
export function passesMemberFilters(
  member: SnapshotMember,
  facts: RequestFacts,
  filters: readonly MemberFilter[] = MEMBER_FILTERS,
): boolean {
  for (let i = 0; i < filters.length; i++) {
    if (!filters[i]!(member, facts)) return false;
  }
  return true;
}
