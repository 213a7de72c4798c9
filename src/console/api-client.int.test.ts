import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  apiDelete,
  apiGet,
  apiPost,
  apiPut,
  isApiError,
  NETWORK_ERROR,
  readItems,
  readOne,
  type ApiError,
} from "./api-client";

// A small loopback server standing in for the admin API: each path answers one way.
let server: Server;
let base = "";
const seen: { method: string; url: string; contentType?: string; body: string }[] = [];

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = await readBody(request);
    seen.push({
      method: request.method ?? "",
      url: request.url ?? "",
      contentType: request.headers["content-type"],
      body,
    });
    const json = (status: number, value: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(value));
    };
    const path = (request.url ?? "").split("?")[0];
    if (path === "/ok") return json(200, { echo: body ? (JSON.parse(body) as unknown) : null });
    if (path === "/empty") {
      response.writeHead(204);
      return response.end();
    }
    if (path === "/in-use")
      return json(409, {
        error: {
          code: "PROVIDER_IN_USE",
          message: "still used",
          details: { groups: [{ id: "g1", slug: "a", name: "A" }] },
        },
      });
    if (path === "/invalid")
      return json(400, {
        error: {
          code: "VALIDATION_FAILED",
          message: "bad",
          details: [{ path: "baseUrl", message: "must use http" }, 7],
        },
      });
    if (path === "/auth")
      return json(401, { code: "INVALID_USERNAME_OR_PASSWORD", message: "Invalid username or password" });
    if (path === "/limited") return json(429, { message: "Too many requests. Please try again later." });
    if (path === "/html") {
      response.writeHead(502, { "content-type": "text/html" });
      return response.end("<h1>Bad gateway</h1>");
    }
    if (path === "/not-json") {
      response.writeHead(200, { "content-type": "text/plain" });
      return response.end("hello");
    }
    json(404, { error: { code: "ROUTE_NOT_FOUND", message: "No such route." } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (isApiError(error)) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("api client against a loopback server", () => {
  it("sends JSON bodies and query parameters and parses JSON answers", async () => {
    const answer = await apiPost<{ echo: unknown }>(
      `${base}/ok`,
      { name: "a" },
      { query: { dryRun: true, skip: undefined } },
    );
    expect(answer).toEqual({ echo: { name: "a" } });
    const last = seen.at(-1);
    expect(last).toMatchObject({ method: "POST", url: "/ok?dryRun=true", contentType: "application/json" });
  });

  it("sends no body or content type on GET and DELETE, and returns undefined for 204", async () => {
    await apiGet(`${base}/ok`);
    expect(seen.at(-1)).toMatchObject({ method: "GET", body: "", contentType: undefined });
    await expect(apiDelete(`${base}/empty`)).resolves.toBeUndefined();
    expect(seen.at(-1)).toMatchObject({ method: "DELETE", body: "" });
  });

  it("turns the error envelope into an ApiError with code and details", async () => {
    const error = await failure(apiDelete(`${base}/in-use`));
    expect(error).toMatchObject({ status: 409, code: "PROVIDER_IN_USE", message: "still used" });
    expect(error.details).toEqual({ groups: [{ id: "g1", slug: "a", name: "A" }] });
  });

  it("exposes well-formed validation issues only", async () => {
    const error = await failure(apiPut(`${base}/invalid`, { baseUrl: "ftp://x" }));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.issues).toEqual([{ path: "baseUrl", message: "must use http" }]);
  });

  it("reads better-auth's flat error bodies and falls back to a status code", async () => {
    expect(await failure(apiPost(`${base}/auth`, {}))).toMatchObject({
      status: 401,
      code: "INVALID_USERNAME_OR_PASSWORD",
    });
    expect(await failure(apiPost(`${base}/limited`, {}))).toMatchObject({
      status: 429,
      code: "RATE_LIMITED",
      message: "Too many requests. Please try again later.",
    });
  });

  it("reports non-JSON answers without throwing a parse error", async () => {
    expect(await failure(apiGet(`${base}/html`))).toMatchObject({ status: 502, code: "HTTP_502" });
    expect(await failure(apiGet(`${base}/not-json`))).toMatchObject({ status: 200, code: "BAD_RESPONSE" });
  });

  it("reports an unreachable server as NETWORK_ERROR with status 0", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await failure(apiGet(`http://127.0.0.1:${port}/ok`))).toMatchObject({
      status: 0,
      code: NETWORK_ERROR,
    });
  });

  it("passes an abort through as an AbortError, not an ApiError", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(apiGet(`${base}/ok`, { signal: controller.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
  });
});

describe("readItems / readOne", () => {
  const item = z.object({ id: z.string() });

  it("reads { items } checked against the schema", () => {
    expect(readItems({ items: [{ id: "a" }, { id: "b" }] }, item)).toEqual([{ id: "a" }, { id: "b" }]);
    expect(readOne({ id: "c" }, item)).toEqual({ id: "c" });
  });

  it("rejects bare arrays, other keys and bad items with BAD_RESPONSE", () => {
    for (const body of [[{ id: "a" }], { providers: [{ id: "a" }] }, { items: [{ id: 1 }] }, null]) {
      expect(() => readItems(body, item)).toThrow(expect.objectContaining({ code: "BAD_RESPONSE" }));
    }
    expect(() => readOne({ id: 2 }, item)).toThrow(
      expect.objectContaining({ code: "BAD_RESPONSE", message: expect.stringContaining("id") }),
    );
  });
});
