/**
 * Test support (imported by tests only): loopback HTTP(S) servers that count every TCP connection,
 * so a test can assert that a refused request never reached them, and a throwaway certificate.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TLSSocket } from "node:tls";
import type { ResolveHost } from "@/security/outbound-guard";

export interface SeenRequest {
  readonly path: string;
  /** The TLS server name (SNI) the client presented; null over plain HTTP. */
  readonly servername: string | null;
}

export interface CountingServer {
  readonly host: string;
  readonly port: number;
  /** TCP connections accepted so far. */
  connections: number;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const answerOk =
  (host: string): Handler =>
  (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`ok from ${host}`);
  };

export interface ServerOptions {
  readonly port?: number;
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly handler?: Handler;
}

/** Starts a server on `host` (a loopback address) that counts connections and records requests. */
export async function startCountingServer(
  host: string,
  options: ServerOptions = {},
): Promise<CountingServer> {
  const handler = options.handler ?? answerOk(host);
  const requests: SeenRequest[] = [];
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const servername = (req.socket as Partial<TLSSocket>).servername;
    requests.push({ path: req.url ?? "/", servername: typeof servername === "string" ? servername : null });
    handler(req, res);
  };
  const server = options.tls ? createHttpsServer(options.tls, onRequest) : createHttpServer(onRequest);
  const counting: CountingServer = {
    host,
    port: 0,
    connections: 0,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on("connection", () => {
    counting.connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  return Object.assign(counting, { port: (server.address() as AddressInfo).port });
}

/**
 * Two servers on the same port, one on `allowedHost` and one on `refusedHost`, so one URL can reach
 * either depending on what its name resolves to.
 */
export async function startServerPair(
  allowedHost: string,
  refusedHost: string,
  options: Omit<ServerOptions, "port"> = {},
): Promise<{ allowed: CountingServer; refused: CountingServer; port: number }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const allowed = await startCountingServer(allowedHost, options);
    try {
      const refused = await startCountingServer(refusedHost, { ...options, port: allowed.port });
      return { allowed, refused, port: allowed.port };
    } catch {
      await allowed.close(); // that port was taken on the other address: try another one
    }
  }
  throw new Error("could not find a port free on both loopback addresses");
}

/** A resolver that gives the listed answers in turn (the last one repeats), recording each call. */
export function scriptedResolver(name: string, answers: readonly (readonly string[])[]) {
  const calls: string[] = [];
  const resolve: ResolveHost = async (asked) => {
    calls.push(asked);
    if (asked !== name)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${asked}`), { code: "ENOTFOUND" });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)] ?? [];
    return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { resolve, calls };
}

/** A self-signed certificate for `name` (made with the openssl command line), with its key. */
export function makeSelfSignedCertificate(name: string): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "rb-cert-"));
  try {
    const key = path.join(dir, "key.pem");
    const cert = path.join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
        ...["-keyout", key, "-out", cert, "-days", "1", "-subj", `/CN=${name}`],
        ...["-addext", `subjectAltName=DNS:${name}`],
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
