/**
 * The outbound guard, I/O side: resolves a host with the system resolver and applies the outbound
 * policy (`src/core/outbound/`) to every address it returns. What passes is an `OutboundTarget`
 * whose addresses the connectors in `outbound-connect.ts` connect to directly, so nothing resolves
 * the name a second time between the check and the connection (no DNS rebinding).
 */
import { lookup } from "node:dns/promises";
import { AppError } from "../core/errors/catalogue";
import type { OutboundPolicy } from "../core/outbound/allow-list";
import {
  decideResolved,
  describeOutboundDenial,
  planOutboundHost,
  planOutboundUrl,
  type HostPlan,
  type OutboundDenyReason,
} from "../core/outbound/outbound-decision";

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to all of its addresses. Injected in tests; the default is `getaddrinfo`. */
export type ResolveHost = (name: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (`dns.lookup` with `all: true`, in the order the system returns). */
export const resolveWithSystem: ResolveHost = (name) => lookup(name, { all: true });

export interface OutboundCheckOptions {
  readonly resolve?: ResolveHost;
  /** Longest wait for the resolver, ms (default 5000). */
  readonly resolveTimeoutMs?: number;
}

/** A host that passed the policy. */
export interface OutboundTarget {
  /** The host as written (a URL's hostname, or a config field). */
  readonly host: string;
  /** The canonical host name; null when the host is an IP address. */
  readonly name: string | null;
  /** Every address the host stands for, all of them allowed, in the resolver's order. */
  readonly addresses: readonly string[];
  /** The address to connect to (the first one). */
  readonly pinned: string;
}

/** A refusal by the outbound policy; `code` is the catalogue code, the message names OUTBOUND_ALLOW. */
export class OutboundBlockedError extends Error {
  readonly code = "OUTBOUND_BLOCKED";
  readonly host: string;
  readonly reason: OutboundDenyReason;
  /** The refused address; null when the host itself was unusable. */
  readonly address: string | null;

  constructor(host: string, reason: OutboundDenyReason, address: string | null) {
    super(describeOutboundDenial(host, reason, address ?? ""));
    this.name = "OutboundBlockedError";
    this.host = host;
    this.reason = reason;
    this.address = address;
  }
}

/** True for an OutboundBlockedError, also when wrapped as the cause (fetch) or from another bundle. */
export function isOutboundBlocked(err: unknown): err is OutboundBlockedError {
  const own = (err as { code?: unknown } | null)?.code;
  if (own === "OUTBOUND_BLOCKED") return true;
  return (err as { cause?: { code?: unknown } } | null)?.cause?.code === "OUTBOUND_BLOCKED";
}

/** The catalogue error for a refusal (400 OUTBOUND_BLOCKED at save time), with host, address and reason. */
export function outboundAppError(err: OutboundBlockedError): AppError {
  return new AppError("OUTBOUND_BLOCKED", err.message, {
    host: err.host,
    address: err.address,
    reason: err.reason,
  });
}

/** Thrown when the resolver does not answer in time; `ETIMEOUT` is what the DNS module uses. */
export class ResolveTimeoutError extends Error {
  readonly code = "ETIMEOUT";

  constructor(name: string, timeoutMs: number) {
    super(`Resolving ${name} took longer than ${timeoutMs} ms`);
    this.name = "ResolveTimeoutError";
  }
}

async function resolveWithin(name: string, options: OutboundCheckOptions): Promise<string[]> {
  const resolve = options.resolve ?? resolveWithSystem;
  const timeoutMs = options.resolveTimeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ResolveTimeoutError(name, timeoutMs)), timeoutMs);
    timer.unref();
  });
  try {
    const answers = await Promise.race([resolve(name), timeout]);
    return answers.map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
}

async function checkPlan(plan: HostPlan, policy: OutboundPolicy, options: OutboundCheckOptions) {
  if (plan.kind === "refused") throw new OutboundBlockedError(plan.host, plan.reason, null);
  if (plan.kind === "address") {
    const { decision } = plan;
    if (!decision.allowed) throw new OutboundBlockedError(plan.host, decision.reason, decision.address);
    return { host: plan.host, name: null, addresses: [decision.address], pinned: decision.address };
  }
  const addresses = await resolveWithin(plan.name, options);
  const verdict = decideResolved(plan, addresses, policy);
  if (!verdict.allowed) {
    throw new OutboundBlockedError(plan.name, verdict.denied.reason, verdict.denied.address || null);
  }
  const [pinned = ""] = verdict.addresses;
  return { host: plan.host, name: plan.name, addresses: verdict.addresses, pinned };
}

/**
 * Checks a host (`example.com`, `10.0.0.1`, `::1`): throws OutboundBlockedError when the policy
 * refuses it or any address it resolves to, the resolver's own error (ENOTFOUND…) or a
 * ResolveTimeoutError when it cannot be resolved.
 */
export async function checkOutboundHost(
  host: string,
  policy: OutboundPolicy,
  options: OutboundCheckOptions = {},
): Promise<OutboundTarget> {
  return checkPlan(planOutboundHost(host, policy), policy, options);
}

/** Checks an http(s) URL's host like `checkOutboundHost`; other schemes are refused. */
export async function checkOutboundUrl(
  url: string | URL,
  policy: OutboundPolicy,
  options: OutboundCheckOptions = {},
): Promise<OutboundTarget> {
  return checkPlan(planOutboundUrl(url, policy), policy, options);
}

async function assertAllowed(check: () => Promise<OutboundTarget>): Promise<void> {
  try {
    await check();
  } catch (err) {
    if (err instanceof OutboundBlockedError) throw outboundAppError(err);
    // A name that does not resolve now is no reason to refuse the save: every connection checks
    // again, so it cannot reach a refused address later either.
  }
}

/**
 * The save-time check of a URL (provider base URL, webhook, robot URL): throws the catalogue's
 * `OUTBOUND_BLOCKED` (400, message naming OUTBOUND_ALLOW) when refused. Resolution failures pass.
 */
export function assertOutboundUrlAllowed(
  url: string | URL,
  policy: OutboundPolicy,
  options: OutboundCheckOptions = {},
): Promise<void> {
  return assertAllowed(() => checkOutboundUrl(url, policy, options));
}

/** The save-time check of a bare host (SMTP host), like `assertOutboundUrlAllowed`. */
export function assertOutboundHostAllowed(
  host: string,
  policy: OutboundPolicy,
  options: OutboundCheckOptions = {},
): Promise<void> {
  return assertAllowed(() => checkOutboundHost(host, policy, options));
}
