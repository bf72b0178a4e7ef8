import type { Logger } from '@dictamesh/runtime';

/**
 * The loop of a transactional-outbox relay (a subgraph's outbox table published to the event
 * bus): {@link flush} publishes round after round until a round publishes nothing, concurrent
 * calls share the run in flight and make it go round once more (so a commit made during a run is
 * never left behind), a failed round ends the run with a warning (the rows stay for the next
 * one), and {@link start} also flushes on an interval, which picks up what a crash or a bus outage
 * left. Subclasses implement {@link round}: claim a batch (`FOR UPDATE SKIP LOCKED`), publish it,
 * mark or delete it, in one transaction.
 */
export abstract class RelayLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;

  /**
   * @param log where failed rounds are reported
   * @param failure the warning logged when a round fails
   */
  constructor(
    private readonly log: Logger,
    private readonly failure: string,
  ) {}

  /** Publishes one claimed batch; returns how many records it published (0: nothing left). */
  protected abstract round(): Promise<number>;

  /**
   * Publishes until nothing is left (or a round fails: the rest waits for the next run).
   * @returns records published by the run
   */
  flush(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drain(): Promise<number> {
    let total = 0;
    do {
      this.again = false;
      for (;;) {
        let published: number;
        try {
          published = await this.round();
        } catch (error) {
          this.log.warn({ err: error }, this.failure);
          return total;
        }
        total += published;
        if (published === 0) break;
      }
    } while (this.again);
    return total;
  }

  /** Flushes now and every `intervalMs` (ms) until {@link stop}. */
  start(intervalMs: number): void {
    void this.flush();
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Stops the interval and waits for a run in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
