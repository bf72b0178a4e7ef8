import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Link,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { PrismaInstrumentation } from '@prisma/instrumentation';

/** The tracer DictaMesh's own spans come from. */
export const tracer = trace.getTracer('dictamesh');

/** Options of {@link startTracing}. */
export interface TracingOptions {
  /** `service.name` of the spans. */
  serviceName: string;
  serviceVersion?: string;
  /** OTLP/HTTP endpoint of a collector, e.g. `http://127.0.0.1:4318` (`/v1/traces` is added). */
  otlpEndpoint?: string;
  /** Where spans go instead (tests: `InMemorySpanExporter`); exported one by one. */
  exporter?: SpanExporter;
  /** Share of new traces recorded, 0–1 (parent-based: a sampled caller is always followed). Default 1. */
  sampleRatio?: number;
}

/** A started tracer provider. */
export interface Tracing {
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing for the process (OpenTelemetry JS SDK 2): a Node tracer provider
 * (AsyncLocalStorage context, W3C Trace Context + Baggage propagation) exporting over OTLP/HTTP
 * in batches, and Prisma's instrumentation, so database queries are spans of the operations
 * that run them. @apollo/gateway's own spans (request, plan, fetch) are recorded through the
 * same provider. Nothing is exported unless an endpoint or exporter is given: then no provider
 * is registered and every span is a no-op.
 */
export function startTracing(options: TracingOptions): Tracing {
  const exporter = options.exporter ?? (options.otlpEndpoint ? new OTLPTraceExporter({ url: traceUrl(options.otlpEndpoint) }) : undefined);
  if (!exporter) return { shutdown: async () => undefined };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio ?? 1) }),
    spanProcessors: [options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  provider.register();
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations: [new PrismaInstrumentation()] });
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

function traceUrl(endpoint: string): string {
  return endpoint.endsWith('/v1/traces') ? endpoint : `${endpoint.replace(/\/$/, '')}/v1/traces`;
}

const headerGetter: TextMapGetter<Record<string, string | string[] | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key.toLowerCase()] ?? carrier[key],
};

/** The trace context a request or message carries (`traceparent`, `tracestate`, `baggage` headers). */
export function extractContext(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** Adds the active (or given) trace context to outgoing headers (W3C `traceparent`, …). */
export function injectContext(headers: Record<string, string>, from: Context = context.active()): Record<string, string> {
  propagation.inject(from, headers);
  return headers;
}

/**
 * Runs `work` in a new span (child of `parent`, default the active context), ending it when the
 * work settles; a thrown error is recorded on the span (status ERROR) and rethrown.
 */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Record<string, string | number | boolean>; parent?: Context; links?: Link[] },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(options.links?.length ? { links: options.links } : {}),
    },
    options.parent ?? context.active(),
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** `trace_id` / `span_id` of the active span, for log lines (empty outside a recorded span). */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  return span && trace.isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

export { SpanKind };
