import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBus } from './bus';

/**
 * Waits until a consumer group has no lag (everything published so far is committed). A lag
 * that cannot be read for a moment (a Kafka broker restarting has topics without partition
 * leaders, and kafkajs's offset lookup throws then) counts as not drained yet: the wait goes on
 * until the deadline.
 *
 * @param timeoutMs - give up after this many ms (default 30 000)
 * @param pollMs - lag poll interval in ms (default 10)
 * @returns true when drained, false on timeout
 */
export async function drain(bus: EventBus, groupId: string, timeoutMs = 30_000, pollMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const drained = () =>
    bus.lag(groupId).then(
      (lag) => lag === 0,
      () => false,
    );
  while (Date.now() < deadline) {
    if (await drained()) return true;
    await sleep(pollMs);
  }
  return drained();
}
