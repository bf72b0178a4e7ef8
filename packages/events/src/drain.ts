import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBus } from './bus';

/**
 * Waits until a consumer group has no lag (everything published so far is committed).
 *
 * @param timeoutMs - give up after this many ms (default 30 000)
 * @param pollMs - lag poll interval in ms (default 10)
 * @returns true when drained, false on timeout
 */
export async function drain(bus: EventBus, groupId: string, timeoutMs = 30_000, pollMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await bus.lag(groupId)) === 0) return true;
    await sleep(pollMs);
  }
  return (await bus.lag(groupId)) === 0;
}
