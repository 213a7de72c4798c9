/**
 * Connections that go only where the outbound guard said they may:
 *
 * - `createGuardedConnector` — an undici `connect` function for a Pool/Agent/Client: every new
 *   connection resolves and checks its host again and connects to a checked address itself, so a
 *   name that changes its answer (DNS rebinding) can never slip a refused address in between.
 * - `createOutboundAgent` — an undici Agent built on it, for calls to many origins.
 * - `requestOutbound` — one checked request pinned to the checked address (alert webhooks).
 * - `pinSmtpOptions` — nodemailer options pinned to a checked address, with the name kept for TLS.
 *
 * None of them follows redirects: undici's Client, Pool and Agent never do (only the redirect
 * interceptor and `fetch` do), so a 3xx comes back to the caller as an answer. With `fetch` over
 * this Agent, pass `redirect: "manual"`; a followed redirect would still be checked on connect.
 */
import type { ConnectionOptions } from "node:tls";
import { Agent, buildConnector, Client, errors, type Dispatcher } from "undici";
import type { OutboundPolicy } from "../core/outbound/allow-list";
import {
  checkOutboundHost,
  checkOutboundUrl,
  ResolveTimeoutError,
  type OutboundCheckOptions,
  type OutboundTarget,
} from "./outbound-guard";

export interface GuardedConnectOptions extends OutboundCheckOptions {
  /** Options of undici's own connector: `timeout` (also bounds resolving), TLS `ca`, … */
  readonly connect?: buildConnector.BuildOptions;
}

// Trying the next checked address makes sense when this one is unreachable, not when it answered.
const NEXT_ADDRESS_CODES = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function connectInOrder(
  base: buildConnector.connector,
  options: buildConnector.Options,
  target: OutboundTarget,
  index: number,
  callback: buildConnector.Callback,
): void {
  const address = target.addresses[index] ?? target.pinned;
  // The socket goes to the checked address; TLS still presents and verifies the name.
  const servername = options.servername || target.name || undefined;
  base({ ...options, hostname: address, servername }, (...result) => {
    const [err] = result;
    const code = (err as { code?: unknown } | null)?.code;
    if (
      err &&
      index + 1 < target.addresses.length &&
      typeof code === "string" &&
      NEXT_ADDRESS_CODES.has(code)
    ) {
      connectInOrder(base, options, target, index + 1, callback);
      return;
    }
    callback(...result);
  });
}

function connectError(err: unknown): Error {
  if (err instanceof ResolveTimeoutError) return new errors.ConnectTimeoutError(err.message);
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * An undici `connect` function that checks the host on every new connection (resolving names
 * anew) and connects only to an address that passed. A refusal fails the connection with an
 * OutboundBlockedError (code OUTBOUND_BLOCKED) before any socket is opened.
 */
export function createGuardedConnector(
  policy: OutboundPolicy,
  options: GuardedConnectOptions = {},
): buildConnector.connector {
  const base = buildConnector({ ...options.connect });
  const check: OutboundCheckOptions = {
    resolve: options.resolve,
    resolveTimeoutMs: options.resolveTimeoutMs ?? options.connect?.timeout ?? 10_000,
  };
  return (connectOptions, callback) => {
    checkOutboundHost(connectOptions.hostname, policy, check).then(
      (target) => {
        // tls.connect throws synchronously on bad options; inside a then() that would be lost.
        try {
          connectInOrder(base, connectOptions, target, 0, callback);
        } catch (err) {
          callback(connectError(err), null);
        }
      },
      (err: unknown) => callback(connectError(err), null),
    );
  };
}

/** An undici `connect` function bound to an already checked target: it never resolves anything. */
export function createPinnedConnector(
  target: OutboundTarget,
  connect: buildConnector.BuildOptions = {},
): buildConnector.connector {
  const base = buildConnector({ ...connect });
  return (connectOptions, callback) => connectInOrder(base, connectOptions, target, 0, callback);
}

export interface OutboundAgentOptions extends GuardedConnectOptions {
  /** Further Agent options (keep-alive, timeouts…); `connect` is the guard's. */
  readonly agent?: Omit<Agent.Options, "connect">;
}

/** An undici Agent whose every connection goes through the guarded connector. */
export function createOutboundAgent(policy: OutboundPolicy, options: OutboundAgentOptions = {}): Agent {
  return new Agent({ ...options.agent, connect: createGuardedConnector(policy, options) });
}

export type OutboundRequestOptions = Omit<Dispatcher.RequestOptions, "origin" | "path"> & {
  readonly connect?: buildConnector.BuildOptions;
};

/**
 * One request to `url`, checked and then pinned to the checked address; redirects are returned,
 * not followed. Consume (or dump) the body: the connection closes when the body does. Throws
 * OutboundBlockedError when refused.
 */
export async function requestOutbound(
  url: string | URL,
  policy: OutboundPolicy,
  options: OutboundRequestOptions,
  check: OutboundCheckOptions = {},
): Promise<Dispatcher.ResponseData> {
  const target = await checkOutboundUrl(url, policy, check);
  const parsed = typeof url === "string" ? new URL(url) : url;
  const { connect, ...request } = options;
  const client = new Client(parsed.origin, { connect: createPinnedConnector(target, connect) });
  try {
    const response = await client.request({ ...request, path: `${parsed.pathname}${parsed.search}` });
    response.body.once("close", () => void client.close().catch(() => undefined));
    return response;
  } catch (err) {
    void client.destroy().catch(() => undefined);
    throw err;
  }
}

/** The SMTP fields `pinSmtpOptions` reads and sets (a subset of nodemailer's transport options). */
export interface SmtpHostOptions {
  readonly host?: string;
  readonly servername?: string;
  readonly tls?: ConnectionOptions;
}

/**
 * Returns a copy of nodemailer SMTP options with `host` replaced by the checked address and the
 * name kept as the TLS server name (SNI and certificate check), so nodemailer connects where the
 * guard looked and resolves nothing itself. Throws OutboundBlockedError when refused. Pass `host`,
 * not nodemailer's `service` shortcut.
 */
export async function pinSmtpOptions<T extends SmtpHostOptions>(
  options: T,
  policy: OutboundPolicy,
  check: OutboundCheckOptions = {},
): Promise<T & { host: string }> {
  const target = await checkOutboundHost(options.host ?? "localhost", policy, check);
  if (target.name === null) return { ...options, host: target.pinned };
  const servername = options.servername ?? target.name;
  return {
    ...options,
    host: target.pinned,
    servername,
    tls: { ...options.tls, servername: options.tls?.servername ?? servername },
  };
}
