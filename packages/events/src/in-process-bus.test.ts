import { CloudEvent } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { describeBusContract } from '../test/bus-contract';
import { InProcessEventBus } from './in-process-bus';

describeBusContract('in-process', {
  create: async ({ partitions, dlqTopic, maxAttempts }) =>
    new InProcessEventBus({ partitions, dlqTopic, maxAttempts: maxAttempts ?? 5, retryInitialDelayMs: 1 }),
});

describe('InProcessEventBus retention', () => {
  it('bounds memory: keeps at most retention + 10 % records per partition', async () => {
    const bus = new InProcessEventBus({ partitions: 1, retentionRecords: 10 });
    const consumer = await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true, eachMessage: async () => undefined });
    await consumer.stop();
    for (let i = 0; i < 50; i++) {
      await bus.publish('t', [{ key: `k${i}`, event: new CloudEvent({ id: String(i), source: '/t', type: 't', data: {} }) }]);
      const lag = await bus.lag('g');
      expect(lag).toBeLessThanOrEqual(11);
      expect(lag).toBeLessThanOrEqual(i + 1);
    }
    expect(await bus.lag('g')).toBeGreaterThanOrEqual(10);
    await bus.close();
  });
});
