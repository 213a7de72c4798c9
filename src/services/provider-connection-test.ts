import { and, eq } from "drizzle-orm";
import { PROVIDER_TEST_TIMEOUT, providerTestSchema, type ProviderTestResult } from "@/contracts/providers";
import { AppError } from "@/core/errors/catalogue";
import { providers } from "@/db/schema";
import { toSnapshotProvider } from "@/gateway/snapshot/build-snapshot";
import { probeProvider, probeUrl, type ProbeErrorCode, type ProbeResult } from "@/health/probe-provider";
import { isUuid, parseInput, type ServiceContext } from "./service-context";

const PROBE_ERRORS: Readonly<Record<ProbeErrorCode, (timeoutMs: number) => string>> = {
  UPSTREAM_CONNECT_FAILED: () => "Could not connect to the provider",
  UPSTREAM_TIMEOUT: (timeoutMs) => `The provider did not answer within ${timeoutMs} ms`,
  UPSTREAM_RESET: () => "The connection closed before the provider answered",
  OUTBOUND_BLOCKED: () =>
    "The provider's address is internal (loopback, private or link-local); add it to OUTBOUND_ALLOW to permit it",
};

/**
 * Probes one stored provider as the gateway would reach it (decrypted credential, extra headers) and
 * reports what came back. Informational: no health state, no audit row, no config announcement.
 *
 * The path probed is the body's `path` (a one-off override), else the provider's health-check path
 * (what the active checker probes), else "/": Roundabout proxies any HTTP API, so guessing an
 * API-specific path such as /models would make other upstreams look broken, while any answer at the
 * base path still proves the address, TLS and network work (a 404 there comes back as `neutral`).
 */
export async function testProviderConnection(
  ctx: ServiceContext,
  id: string,
  input: unknown,
): Promise<ProviderTestResult> {
  const data = parseInput(providerTestSchema, input ?? {});
  const [row] = isUuid(id)
    ? await ctx.db
        .select()
        .from(providers)
        .where(and(eq(providers.id, id), ctx.owned(providers)))
    : [];
  if (!row) throw new AppError("PROVIDER_NOT_FOUND");
  const target = toSnapshotProvider(row, {
    openCredential: (sealed, providerId) => ctx.sealer.open(sealed, providerId),
    logger: ctx.logger,
  });
  if (target === null) {
    throw new AppError(
      "INTERNAL_ERROR",
      "The provider's base URL or stored credential cannot be used; see the server log.",
    );
  }
  const path = data.path ?? row.healthCheckPath ?? "/";
  const timeoutMs = data.timeoutMs ?? PROVIDER_TEST_TIMEOUT.default;
  const testedAt = ctx.now().toISOString();
  const probe = await probeProvider(target, path, timeoutMs, ctx.outbound);
  return {
    ok: probe.outcome === "success",
    outcome: probe.outcome,
    status: probe.status,
    error: probeError(probe, timeoutMs),
    latencyMs: probe.ms,
    url: probeUrl(target, path),
    testedAt,
  };
}

// Built from the catalogue code and the low-level code only: an upstream's or undici's own text is
// never echoed, so nothing sent (such as the credential) can come back through it.
function probeError(probe: ProbeResult, timeoutMs: number): ProviderTestResult["error"] {
  if (probe.error === null) return null;
  const message = PROBE_ERRORS[probe.error](timeoutMs);
  return { code: probe.error, message: probe.cause ? `${message} (${probe.cause}).` : `${message}.` };
}
