import { readFile } from "node:fs/promises";
import path from "node:path";

/** Redoc's browser bundle, served from our own origin (never a CDN), read once per process. */
let bundle: Promise<Buffer> | null = null;

/** `GET /docs/api/redoc.standalone.js`: the renderer the API reference page loads. */
export async function GET(): Promise<Response> {
  bundle ??= readFile(path.join(process.cwd(), "node_modules/redoc/bundles/redoc.standalone.js"));
  const body = new Uint8Array(await bundle);
  return new Response(body, {
    headers: {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=3600",
      "x-content-type-options": "nosniff",
    },
  });
}
