import type { RequestFacts } from "../context/request-facts";
import type { SnapshotMember } from "../snapshot/snapshot-types";
import { memberServesModel } from "./resolve-model";

/** Member filter: only members serving the request's model are candidates (failover stays inside them). */
export function servesRequestModel(member: SnapshotMember, facts: RequestFacts): boolean {
  const model = facts.model;
  return model === null || member.models === null || memberServesModel(member, model.model);
}
