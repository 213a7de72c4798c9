import type { Attributes, Span, Tracer } from "@opentelemetry/api";
import type { AttemptRecord, NewRequestLogRow } from "../db/schema/request-logs";
import type { Logger } from "./logger";

/**
 * Optional OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT): one SERVER span per proxied request
 * with a CLIENT child per upstream attempt, built from the request-log row as the log writer queues
 * it — the row already carries the request's start, its duration and each attempt's offsets (start,
 * connect, first byte, end), so the hot path gains no work and no gateway stage changes. Off, nothing
 * of this runs: the runtime imports this module and the @opentelemetry packages only when enabled.
 * Spans are batched and exported over OTLP/HTTP by the official exporter.
 */

export interface TracingOptions {
  /** Collector base URL; spans go to `{endpoint}/v1/traces`. */
  readonly endpoint: string;
  /** OTEL_EXPORTER_OTLP_HEADERS (`name=value,…`). */
  readonly headers?: string;
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly logger?: Logger;
  /** Longest wait before a batch is exported (default 2 s). */
  readonly scheduledDelayMs?: number;
}

export interface RequestTracer {
  /** Records the spans of one finished request (pass as / chain into the log writer's `onWrite`). */
  record(row: NewRequestLogRow): void;
  /** Exports what is queued and stops (a shutdown step). */
  shutdown(): Promise<void>;
}

/** `name=value,name2=value2` (values percent-decoded) as a header record; bad pairs are skipped. */
export function parseOtlpHeaders(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    try {
      out[name] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      out[name] = pair.slice(eq + 1).trim();
    }
  }
  return out;
}

/** Loads the OpenTelemetry SDK and the OTLP/HTTP exporter, and returns the request tracer. */
export async function startTracing(options: TracingOptions): Promise<RequestTracer> {
  const [api, sdk, exporterModule, resources] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
  ]);
  const exporter = new exporterModule.OTLPTraceExporter({
    url: `${options.endpoint.replace(/\/+$/, "")}/v1/traces`,
    headers: parseOtlpHeaders(options.headers),
  });
  const provider = new sdk.TracerProvider({
    resource: resources.resourceFromAttributes({
      "service.name": options.serviceName,
      "service.version": options.serviceVersion,
    }),
    spanProcessors: [
      new sdk.BatchSpanProcessor({ exporter, scheduledDelayMillis: options.scheduledDelayMs ?? 2_000 }),
    ],
  });
  const tracer = provider.getTracer("roundabout", options.serviceVersion);
  options.logger?.info({ endpoint: options.endpoint }, "OpenTelemetry traces exported over OTLP/HTTP");

  return {
    record(row) {
      try {
        recordRequestSpans(api, tracer, row);
      } catch (err) {
        // Tracing must never fail a request or the log writer.
        options.logger?.warn({ err: String(err) }, "a request's trace could not be recorded");
      }
    },
    shutdown: () => provider.shutdown(),
  };
}

type OtelApi = typeof import("@opentelemetry/api");

/** The request's SERVER span and one CLIENT child per attempt, with the row's own timings. */
function recordRequestSpans(api: OtelApi, tracer: Tracer, row: NewRequestLogRow): void {
  const start = new Date(row.createdAt).getTime();
  const failed = row.status >= 500 || (row.errorCode !== null && row.errorCode !== undefined);
  const span = tracer.startSpan(`${row.method} /api/proxy/{group}`, {
    kind: api.SpanKind.SERVER,
    startTime: start,
    attributes: requestAttributes(row),
  });
  const parent = api.trace.setSpan(api.ROOT_CONTEXT, span);
  (row.attempts ?? []).forEach((attempt, index) =>
    recordAttemptSpan(api, tracer, parent, start, attempt, index),
  );
  if (failed) span.setStatus({ code: api.SpanStatusCode.ERROR, message: row.errorCode ?? undefined });
  span.end(start + row.totalMs);
}

function recordAttemptSpan(
  api: OtelApi,
  tracer: Tracer,
  parent: ReturnType<OtelApi["trace"]["setSpan"]>,
  start: number,
  attempt: AttemptRecord,
  index: number,
): void {
  const attributes: Attributes = {
    "roundabout.provider": attempt.provider,
    "roundabout.provider_id": attempt.providerId,
    "roundabout.attempt.index": index,
    "roundabout.attempt.outcome": attempt.outcome,
  };
  if (attempt.status !== undefined) attributes["http.response.status_code"] = attempt.status;
  if (attempt.errorCode !== undefined) attributes["error.type"] = attempt.errorCode;
  const span: Span = tracer.startSpan(
    "upstream attempt",
    { kind: api.SpanKind.CLIENT, startTime: start + attempt.startMs, attributes },
    parent,
  );
  if (attempt.connectMs !== undefined) span.addEvent("connected", start + attempt.connectMs);
  if (attempt.firstByteMs !== undefined) span.addEvent("first byte", start + attempt.firstByteMs);
  if (attempt.outcome !== "success") {
    span.setStatus({ code: api.SpanStatusCode.ERROR, message: attempt.errorCode ?? attempt.outcome });
  }
  span.end(start + attempt.endMs);
}

function requestAttributes(row: NewRequestLogRow): Attributes {
  const attributes: Attributes = {
    "http.request.method": row.method,
    "http.route": "/api/proxy/{group}/{path}",
    "http.response.status_code": row.status,
    "roundabout.request_id": row.id,
    "roundabout.attempts": row.attempts?.length ?? 0,
    "roundabout.streamed": row.streamed ?? false,
  };
  const optional: [string, string | number | null | undefined][] = [
    ["roundabout.group", row.groupSlug],
    ["roundabout.key_id", row.keyId],
    ["roundabout.error_code", row.errorCode],
    ["roundabout.ttfb_ms", row.ttfbMs],
    ["client.address", row.clientIp],
    ["gen_ai.request.model", row.model],
    ["gen_ai.usage.input_tokens", row.inputTokens],
    ["gen_ai.usage.output_tokens", row.outputTokens],
  ];
  for (const [name, value] of optional) if (value !== null && value !== undefined) attributes[name] = value;
  const provider = row.attempts?.find((a) => a.providerId === row.providerId)?.provider;
  if (provider !== undefined) attributes["roundabout.provider"] = provider;
  return attributes;
}
