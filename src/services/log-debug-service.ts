import { and, eq } from "drizzle-orm";
import {
  curlQuerySchema,
  replayInputSchema,
  type LogCurl,
  type LogDiff,
  type ReplayResult,
} from "@/contracts/log-debug";
import type { Capture, LogDetail } from "@/contracts/logs";
import { diffBodies } from "@/core/debug/body-diff";
import { finalAttempt } from "@/core/debug/capture-payload";
import { renderGatewayCurl, renderUpstreamCurl } from "@/core/debug/curl";
import { diffHeaders } from "@/core/debug/header-diff";
import { REDACTED } from "@/core/debug/redact-body";
import { AppError } from "@/core/errors/catalogue";
import { groups, providers } from "@/db/schema";
import type { ReplayRun, ReplaySpec, ReplayTarget } from "@/gateway/replay/handle-replay-request";
import type { ReplaySink } from "@/gateway/replay/replay-response";
import { toSnapshotProvider } from "@/gateway/snapshot/build-snapshot";
import type { LogsService } from "./logs-service";
import { collectReplay, streamReplay } from "./replay-answer";
import { isUuid, parseInput, type ServiceContext, type WriteContext } from "./service-context";

/**
 * Debugging captured requests: replay one through this process's data plane, compare two, render one
 * as curl commands. Every read goes through the logs service (tenant-scoped, LOG_NOT_FOUND), every
 * provider or group named comes from the acting tenant.
 */

/** Sends a replay through the data plane (the gateway's `replay`); absent in processes without one. */
export type ReplayPort = (spec: ReplaySpec, sink: ReplaySink) => ReplayRun;

/** A replay's answer: one document, or a live NDJSON stream (`stream: true`). */
export type ReplayAnswer =
  | { readonly kind: "document"; readonly result: ReplayResult }
  | { readonly kind: "stream"; readonly body: ReadableStream<Uint8Array> };

export interface LogDebugService {
  /** Replays a captured request (admin action, audited); NOT_CAPTURED when there is no capture. */
  replay(id: string, input: unknown, by: WriteContext): Promise<ReplayAnswer>;
  /** Compares two requests; `withResponses` false leaves the upstream answers out (viewers). */
  diff(a: string, b: string, withResponses: boolean): Promise<LogDiff>;
  /** The captured request as curl commands (gateway origin as the caller reached it). */
  curl(id: string, query: unknown, gatewayOrigin: string): Promise<LogCurl>;
}

/** The capture of a detail, or NOT_CAPTURED. */
function captureOf(detail: LogDetail): Capture {
  if (detail.capture === null) throw new AppError("NOT_CAPTURED");
  return detail.capture;
}

/** Captured headers worth sending again: redacted values are dropped (the gateway re-injects credentials). */
function replayHeaders(
  captured: Readonly<Record<string, string>>,
  overrides: Readonly<Record<string, string | null>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(captured)) if (value !== REDACTED) out[name] = value;
  for (const [name, value] of Object.entries(overrides ?? {})) {
    const lower = name.toLowerCase();
    if (value === null) delete out[lower];
    else out[lower] = value;
  }
  return out;
}

/** The body to send: the override, else the captured body (refused when it was cut). */
function replayBody(capture: Capture, override: unknown, model: string | undefined): Buffer {
  let text: string;
  if (override !== undefined) text = typeof override === "string" ? override : JSON.stringify(override);
  else {
    const body = capture.request.body;
    if (body.truncated) {
      throw new AppError(
        "NOT_CAPTURED",
        `The request body was captured only in part (${body.bytes} bytes); replay it with overrides.body.`,
      );
    }
    text = body.text ?? "";
  }
  if (model === undefined) return Buffer.from(text);
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new AppError("VALIDATION_FAILED", "overrides.model: the body is not a JSON object", {
      issues: [{ path: "overrides.model", message: "the body is not a JSON object" }],
    });
  }
  return Buffer.from(JSON.stringify({ ...(json as Record<string, unknown>), model }));
}

function timingsOfDetail(detail: LogDetail) {
  return { totalMs: detail.totalMs, ttfbMs: detail.ttfbMs, attempts: detail.attempts };
}

function sideOf(detail: LogDetail) {
  return {
    id: detail.id,
    createdAt: detail.createdAt,
    status: detail.status,
    errorCode: detail.errorCode,
    providerId: detail.providerId,
    providerName: detail.providerName,
    model: detail.model,
    source: detail.source,
    replayOf: detail.replayOf,
    captured: detail.capture !== null,
    timings: timingsOfDetail(detail),
  };
}

/** The answer the client got, from a capture. */
function answerOf(capture: Capture) {
  return finalAttempt({ v: 1, ...capture });
}

/** Creates the debugging service over the logs service (reads) and the data plane (replays). */
export function createLogDebugService(
  ctx: ServiceContext,
  logs: LogsService,
  replayPort: ReplayPort | undefined,
): LogDebugService {
  async function resolveTarget(target: { providerId: string } | { group: string }): Promise<ReplayTarget> {
    if ("providerId" in target) {
      const [row] = await ctx.db
        .select()
        .from(providers)
        .where(and(eq(providers.id, target.providerId), ctx.owned(providers)));
      if (row === undefined) throw new AppError("PROVIDER_NOT_FOUND");
      const provider = toSnapshotProvider(row, {
        openCredential: (sealed, providerId) => ctx.sealer.open(sealed, providerId),
        logger: ctx.logger,
      });
      if (provider === null) {
        throw new AppError(
          "INTERNAL_ERROR",
          "The provider's base URL or stored credential cannot be used; see the server log.",
        );
      }
      return { kind: "provider", provider };
    }
    const [group] = await ctx.db
      .select({ slug: groups.slug })
      .from(groups)
      .where(and(eq(groups.slug, target.group), ctx.owned(groups)));
    if (group === undefined)
      throw new AppError("GROUP_NOT_FOUND", `No group with the slug "${target.group}".`);
    return { kind: "group", slug: group.slug };
  }

  return {
    async replay(id, raw, by) {
      const input = parseInput(replayInputSchema, raw);
      const detail = await logs.get(id);
      const capture = captureOf(detail);
      // A capture exists only for requests whose key and group were resolved.
      if (detail.keyId === null || detail.groupId === null || detail.groupSlug === null) {
        throw new AppError("NOT_CAPTURED");
      }
      const body = replayBody(capture, input.overrides?.body, input.overrides?.model);
      const target = await resolveTarget(input.target);
      if (replayPort === undefined) {
        throw new AppError("INTERNAL_ERROR", "This process runs no data plane to replay through.");
      }
      const spec: ReplaySpec = {
        tenantId: ctx.tenantId,
        of: detail.id,
        keyId: detail.keyId,
        groupId: detail.groupId,
        groupSlug: detail.groupSlug,
        target,
        method: capture.request.method,
        path: capture.request.path,
        query: capture.request.query,
        headers: replayHeaders(capture.request.headers, input.overrides?.headers),
        body,
        clientIp: by.ip,
      };
      const where = target.kind === "provider" ? `provider ${target.provider.name}` : `group ${target.slug}`;
      await ctx.record(by, {
        action: "request_log.replay",
        entityType: "request_log",
        entityId: detail.id,
        summary: `Replayed request ${detail.id} to ${where}`,
        changes: {
          target: input.target,
          overrides: Object.keys(input.overrides ?? {}),
          stream: input.stream ?? false,
        },
      });
      const start = (sink: ReplaySink) => replayPort(spec, sink);
      if (input.stream === true) return { kind: "stream", body: streamReplay(detail.id, start) };
      return { kind: "document", result: await collectReplay(detail.id, start) };
    },

    async diff(aId, bId, withResponses) {
      const a = await logs.get(aId);
      const b = await logs.get(bId);
      const ca = a.capture;
      const cb = b.capture;
      const both = ca !== null && cb !== null;
      const ra = both ? answerOf(ca) : null;
      const rb = both ? answerOf(cb) : null;
      return {
        a: sideOf(a),
        b: sideOf(b),
        status: { a: a.status, b: b.status, same: a.status === b.status },
        request: both
          ? {
              method: { a: ca.request.method, b: cb.request.method },
              path: { a: ca.request.path + ca.request.query, b: cb.request.path + cb.request.query },
              headers: diffHeaders(ca.request.headers, cb.request.headers),
              body: diffBodies(ca.request.body.text, cb.request.body.text, {
                a: ca.request.headers["content-type"],
                b: cb.request.headers["content-type"],
              }),
              truncated: { a: ca.request.body.truncated, b: cb.request.body.truncated },
            }
          : null,
        response:
          both && withResponses
            ? {
                headers: diffHeaders(ra?.headers ?? {}, rb?.headers ?? {}),
                body: diffBodies(ra?.body?.text ?? null, rb?.body?.text ?? null, {
                  a: ra?.headers?.["content-type"],
                  b: rb?.headers?.["content-type"],
                }),
                truncated: { a: ra?.body?.truncated ?? false, b: rb?.body?.truncated ?? false },
              }
            : null,
        responseWithheld: !withResponses,
      };
    },

    async curl(id, query, gatewayOrigin) {
      const { providerId } = parseInput(curlQuerySchema, query, "INVALID_QUERY");
      const detail = await logs.get(id);
      const { request } = captureOf(detail);
      const body = request.body.text;
      const slug = detail.groupSlug ?? "";
      const gateway = renderGatewayCurl({
        method: request.method,
        url: `${gatewayOrigin}/api/proxy/${slug}${request.path}${request.query}`,
        headers: request.headers,
        body,
      });
      const wanted = providerId ?? detail.providerId;
      const [row] =
        wanted !== null && isUuid(wanted)
          ? await ctx.db
              .select({
                id: providers.id,
                name: providers.name,
                baseUrl: providers.baseUrl,
                authStyle: providers.authStyle,
              })
              .from(providers)
              .where(and(eq(providers.id, wanted), ctx.owned(providers)))
          : [];
      if (providerId !== undefined && row === undefined) throw new AppError("PROVIDER_NOT_FOUND");
      const upstream =
        row === undefined
          ? null
          : {
              providerId: row.id,
              providerName: row.name,
              command: renderUpstreamCurl(
                {
                  method: request.method,
                  url: `${row.baseUrl.replace(/\/+$/, "")}${request.path}${request.query}`,
                  headers: request.headers,
                  body,
                },
                row.authStyle,
              ),
            };
      return { gateway, upstream, bodyTruncated: request.body.truncated };
    },
  };
}
