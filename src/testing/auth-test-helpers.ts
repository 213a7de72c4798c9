import http from "node:http";
import type { AddressInfo } from "node:net";
import type { AppAuth } from "@/auth/auth";

/** Test-only helpers: a loopback server mounting the auth handler, and a client choosing its source IP. */

export interface TestServer {
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `app.nodeHandler` under /api/auth on 127.0.0.1 (404 elsewhere), like the custom server does. */
export async function startAuthServer(app: AppAuth): Promise<TestServer> {
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith(`${app.basePath}/`)) {
      void app.nodeHandler(req, res);
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** `name=value` of every Set-Cookie. */
  readonly cookies: string[];
  json(): Record<string, unknown>;
}

export interface RequestOptions {
  readonly method?: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Source address on the loopback network (127.0.0.0/8), to act as different clients. */
  readonly localAddress?: string;
}

/** One HTTP request to the loopback server with a 10 s cap. */
export function request(server: TestServer, path: string, options: RequestOptions = {}): Promise<HttpResult> {
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: server.port,
        path,
        method: options.method ?? (payload === undefined ? "GET" : "POST"),
        localAddress: options.localAddress,
        timeout: 10_000,
        headers: {
          ...(payload === undefined ? {} : { "content-type": "application/json" }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            cookies: (res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0] ?? ""),
            json: () => JSON.parse(text) as Record<string, unknown>,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The session cookie (`name=value`) among a response's cookies, or null. */
export function sessionCookieOf(result: HttpResult): string | null {
  return result.cookies.find((c) => /session_token=./.test(c)) ?? null;
}
