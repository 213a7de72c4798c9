import { sendErrorResponse, sendJson, type NodeHandler } from "@/http/node-response";
import { buildOpenApiDocument, type OpenApiDocument } from "./build-openapi";

/**
 * `GET /api/openapi.json`: the API description, built once on first request (it depends on the code
 * only). Public like any API reference: it describes routes, never data or secrets.
 */
export function createOpenApiHandler(version: string): NodeHandler {
  let document: OpenApiDocument | null = null;
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendErrorResponse(res, "METHOD_NOT_ALLOWED", undefined, { allow: "GET, HEAD" });
      return;
    }
    document ??= buildOpenApiDocument({ version });
    sendJson(res, 200, document, { "cache-control": "no-cache" });
  };
}
