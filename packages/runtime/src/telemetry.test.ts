import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { extractContext, injectContext, inSpan, startTracing } from './telemetry';

const exporter = new InMemorySpanExporter();
const tracing = startTracing({ serviceName: 'test', exporter });
afterAll(() => tracing.shutdown());

describe('telemetry', () => {
  it('puts the active trace and span ids on log lines, and none outside a span', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('test', 'info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const parent = extractContext({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    await inSpan('work', { parent }, async (span) => {
      logger.info('inside');
      expect(injectContext({}).traceparent).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01`);
    });
    logger.info('outside');
    expect(lines[0]).toMatchObject({
      msg: 'inside',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(lines[1]).not.toHaveProperty('trace_id');
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.parentSpanContext?.spanId])).toEqual([['work', '00f067aa0ba902b7']]);
  });

  it('records a failure on its span and rethrows it', async () => {
    exporter.reset();
    await expect(inSpan('failing', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: 2, message: 'boom' });
    expect(span?.events[0]?.name).toBe('exception');
  });
});
