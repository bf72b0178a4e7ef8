import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { TOPICS, toDictaMeshEvent, type EventBus, type OperationUsage } from '@dictamesh/events';
import type { Logger } from '@dictamesh/runtime';

/** Options of {@link UsageStream}. */
export interface UsageStreamOptions {
  bus: EventBus;
  log: Logger;
  /** How often buffered usage is published, ms. Default 1 000. */
  flushMs?: number;
  /** Publish at once when this many records are buffered. Default 500. */
  maxBatch?: number;
  /** Records kept while the bus is unavailable; older ones beyond it are dropped (and counted). Default 100 000. */
  maxBuffered?: number;
  /** Called with the number of records dropped (metrics). */
  onDropped?(count: number): void;
}

/**
 * The gateway's side of the usage stream: one `dictamesh.usage.operation` CloudEvent per
 * metered operation on the `dictamesh.usage.operation` topic, keyed by organisation (so one
 * organisation's usage stays ordered on one partition), for billing to consume. Recording
 * never waits on the bus: records are buffered and published in batches every `flushMs`; while
 * the bus is down they are kept (up to `maxBuffered`) and published when it is back — usage
 * is never allowed to slow or fail the operations it meters.
 */
export class UsageStream {
  private buffer: OperationUsage[] = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;
  private readonly source = `/dictamesh/gateway/${hostname()}/${process.pid}`;

  constructor(private readonly options: UsageStreamOptions) {
    this.timer = setInterval(() => void this.flush(), options.flushMs ?? 1_000);
    this.timer.unref();
  }

  /** Buffers one operation's usage. */
  record(usage: OperationUsage): void {
    this.buffer.push(usage);
    const max = this.options.maxBuffered ?? 100_000;
    if (this.buffer.length > max) {
      const dropped = this.buffer.length - max;
      this.buffer.splice(0, dropped);
      this.options.onDropped?.(dropped);
    }
    if (this.buffer.length >= (this.options.maxBatch ?? 500)) void this.flush();
  }

  /** Publishes what is buffered (one flush at a time); a failed batch goes back to the buffer. */
  flush(): Promise<void> {
    // `.finally` runs after the assignment even when there was nothing to publish
    this.flushing ??= this.publishBuffered().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async publishBuffered(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.maxBatch ?? 500);
      try {
        await this.options.bus.publish(
          TOPICS.operationUsage,
          batch.map((usage) => ({
            key: usage.org,
            event: toDictaMeshEvent(TOPICS.operationUsage, usage, { id: randomUUID(), source: this.source, subject: usage.org }),
          })),
        );
      } catch (error) {
        this.buffer.unshift(...batch);
        this.options.log.warn({ err: error, buffered: this.buffer.length }, 'usage stream unavailable; keeping usage to publish later');
        return;
      }
    }
  }

  /** Stops the timer and publishes what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
