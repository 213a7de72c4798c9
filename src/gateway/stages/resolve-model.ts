import { AppError } from "../../core/errors/catalogue";
import { findRequestModel, type RequestModel } from "../../core/routing/request-model";
import type { Route } from "../context/request-facts";
import type { SnapshotGroup, SnapshotKey, SnapshotMember } from "../snapshot/snapshot-types";

/**
 * The request's model (issue 16), read only when something routes on it: a key allow-list, a member
 * model list or alias map, or session affinity (the model is part of the session hash). Refuses a
 * model the key may not use (403 MODEL_NOT_ALLOWED) and one no member of the group serves
 * (404 MODEL_NOT_SERVED, naming both). A request without a model (e.g. `GET /v1/models`) passes.
 */
export function resolveModel(
  body: Buffer,
  route: Route,
  key: SnapshotKey,
  group: SnapshotGroup,
): RequestModel | null {
  if (key.allowedModels === null && !group.routesByModel && group.affinity === null) return null;
  const model = findRequestModel(body, route.path) ?? null;
  if (model === null) return null;
  if (key.allowedModels !== null && !key.allowedModels.matches(model.model)) {
    throw new AppError("MODEL_NOT_ALLOWED", `This gateway key is not allowed to use model "${model.model}".`);
  }
  if (group.routesByModel && !group.members.some((m) => memberServesModel(m, model.model))) {
    throw new AppError(
      "MODEL_NOT_SERVED",
      `No provider of group "${group.slug}" serves model "${model.model}".`,
    );
  }
  return model;
}

/**
 * True when `member` serves `model`: it has no list, maps the name (an alias declares the client
 * name served), or its list matches the client name or the upstream name the alias gives.
 */
export function memberServesModel(member: SnapshotMember, model: string): boolean {
  const list = member.models;
  if (list === null) return true;
  const map = member.modelMap;
  if (map !== null && Object.hasOwn(map, model)) return true;
  return list.matches(model);
}
