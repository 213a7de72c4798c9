import type { IncomingHttpHeaders } from "node:http";
import type { OutcomeRecorder } from "../context/outcome-recorder";
import type { RequestFacts } from "../context/request-facts";

/**
 * `GET {group}/v1/models` answered from the configuration when every member of the group lists its
 * models (snapshot `modelCatalog`): OpenAI's list shape, or Anthropic's when the client sends
 * `anthropic-version`. Only exact names and alias names are listed (a glob names no model), filtered
 * by the key's allowed models. Any other request, or a group without lists, goes upstream as usual.
 */

const MODELS_PATHS: ReadonlySet<string> = new Set(["/v1/models", "/models"]);
/** Fixed creation time: the configuration does not know when a model was released. */
const EPOCH_ISO = "1970-01-01T00:00:00Z";

/** True when this request is a model listing the configuration can answer. */
function isModelListing(facts: RequestFacts): boolean {
  return (
    facts.group.modelCatalog !== null &&
    (facts.method === "GET" || facts.method === "HEAD") &&
    MODELS_PATHS.has(facts.route.path)
  );
}

/** The OpenAI (`{object:"list"}`) or Anthropic (`{data, has_more}`) body for `names`. */
export function modelListBody(names: readonly string[], headers: IncomingHttpHeaders): unknown {
  if (headers["anthropic-version"] !== undefined) {
    return {
      data: names.map((id) => ({ type: "model", id, display_name: id, created_at: EPOCH_ISO })),
      has_more: false,
      first_id: names[0] ?? null,
      last_id: names.at(-1) ?? null,
    };
  }
  return {
    object: "list",
    data: names.map((id) => ({ id, object: "model", created: 0, owned_by: "roundabout" })),
  };
}

/** Answers a model listing from the configuration; false when the request is not one (forward it). */
export function answerModelList(facts: RequestFacts, outcome: OutcomeRecorder): boolean {
  if (!isModelListing(facts)) return false;
  const allowed = facts.key.allowedModels;
  const names = facts.group.modelCatalog!.filter((name) => allowed === null || allowed.matches(name));
  const body = Buffer.from(JSON.stringify(modelListBody(names, facts.req.headers)));
  facts.res.writeHead(200, {
    ...facts.rateHeaders,
    "content-type": "application/json",
    "content-length": String(body.length),
    "x-request-id": facts.requestId,
  });
  facts.res.end(facts.method === "HEAD" ? undefined : body);
  outcome.recordLocalAnswer(200, facts.method === "HEAD" ? 0 : body.length);
  return true;
}
