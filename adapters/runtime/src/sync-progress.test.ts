import { describe, expect, it } from 'vitest';
import { assertValidEvent, toDictaMeshEvent, TOPICS } from '@dictamesh/events';
import { syncEventFields } from './platform-events';
import { SyncProgressTracker, type SyncProgressState } from './sync-progress';
import { etaSeconds, RateMeter } from './sync-rate';

describe('sync rate and ETA', () => {
  it('measures entities per second over the sliding window, keeping the newest sample before it as the base', () => {
    const meter = new RateMeter(10_000);
    expect(meter.rate()).toBeNull();
    meter.record(0, 0);
    expect(meter.rate()).toBeNull(); // one sample: nothing measured
    meter.record(2_000, 100);
    expect(meter.rate()).toBe(50);
    meter.record(4_000, 400);
    expect(meter.rate()).toBe(100); // 400 in 4 s
    meter.record(12_000, 500);
    expect(meter.rate()).toBe(40); // the sample 10 s back (at 2 s) is the base: 400 in 10 s
    meter.record(16_000, 600);
    expect(meter.rate()).toBe(16.67); // base now the sample at 4 s: 200 in 12 s
    meter.record(16_000, 700);
    expect(meter.rate()).toBe(25); // 300 in 12 s
  });

  it('gives no rate when no time passed', () => {
    const meter = new RateMeter();
    meter.record(5, 0);
    meter.record(5, 10);
    expect(meter.rate()).toBeNull();
  });

  it('estimates the seconds left from the total and the rate, or null', () => {
    expect(etaSeconds(250, 1_000, 50)).toBe(15);
    expect(etaSeconds(1, 3, 3)).toBe(0.7);
    expect(etaSeconds(1_200, 1_000, 50)).toBe(0); // more than the source said: never negative
    expect(etaSeconds(10, null, 50)).toBeNull();
    expect(etaSeconds(10, 100, null)).toBeNull();
    expect(etaSeconds(10, 100, 0)).toBeNull();
  });
});

/** A tracker on a test clock, with its reports and pending timers. */
function tracked(intervalMs = 1_000) {
  let time = Date.UTC(2026, 11, 1, 8, 0, 0);
  const reports: SyncProgressState[] = [];
  const timers: Array<{ at: number; run: () => void; cancelled: boolean }> = [];
  const tracker = new SyncProgressTracker({
    syncId: 'sync-1',
    mode: 'backfill',
    clock: () => time,
    intervalMs,
    windowMs: 10_000,
    report: (state) => reports.push(state),
    schedule: (run, ms) => {
      const timer = { at: time + ms, run, cancelled: false };
      timers.push(timer);
      return () => void (timer.cancelled = true);
    },
  });
  const advance = (ms: number) => {
    time += ms;
    for (const timer of timers.splice(0)) {
      if (timer.cancelled) continue;
      if (timer.at <= time) timer.run();
      else timers.push(timer);
    }
  };
  return { tracker, reports, advance, timers };
}

describe('sync progress reports', () => {
  it('starts with the run id, mode and start time, nothing counted', () => {
    const { tracker } = tracked();
    expect(tracker.current).toEqual({
      syncId: 'sync-1',
      mode: 'backfill',
      phase: 'started',
      resource: null,
      pages: 0,
      entities: 0,
      entitiesTotal: null,
      entitiesPerSecond: null,
      etaSeconds: null,
      durationMs: 0,
      startedAt: '2026-12-01T08:00:00.000Z',
      error: null,
    });
  });

  it('reports at most once per page and once per interval, a held-back page when the interval has passed', () => {
    const { tracker, reports, advance, timers } = tracked();
    advance(1_500);
    tracker.page({ resource: 'items', pages: 1, entities: 100, total: 400 });
    expect(reports.map((r) => [r.phase, r.pages, r.entities, r.entitiesPerSecond, r.etaSeconds])).toEqual([
      ['running', 1, 100, 66.67, 4.5],
    ]);
    advance(200);
    tracker.page({ resource: 'items', pages: 2, entities: 200, total: 400 });
    advance(200);
    tracker.page({ resource: 'items', pages: 3, entities: 300, total: 400 });
    expect(reports).toHaveLength(1); // 400 ms after the last report: held back, one timer for both
    expect(timers.filter((t) => !t.cancelled)).toHaveLength(1);
    advance(600);
    expect(reports.map((r) => [r.pages, r.entities, r.durationMs])).toEqual([
      [1, 100, 1_500],
      [3, 300, 1_900], // the latest page (as of its time), once the interval since the last report had passed
    ]);
    advance(5_000);
    expect(reports).toHaveLength(2); // nothing new: no report
  });

  it('ends with completed (ETA 0), failed (with its error) or cancelled, and reports nothing after', () => {
    const done = tracked();
    done.advance(2_000);
    done.tracker.page({ resource: 'items', pages: 1, entities: 50, total: 60 });
    done.advance(100);
    done.tracker.page({ resource: 'items', pages: 2, entities: 60, total: 60 });
    const final = done.tracker.finish('completed');
    expect(final).toMatchObject({
      phase: 'completed',
      pages: 2,
      entities: 60,
      entitiesTotal: 60,
      etaSeconds: 0,
      durationMs: 2_100,
      error: null,
    });
    done.advance(5_000);
    expect(done.reports.map((r) => r.pages)).toEqual([1]); // the held-back page 2 was not reported after the end
    done.tracker.page({ resource: 'items', pages: 3, entities: 70, total: 60 });
    expect(done.reports).toHaveLength(1);

    const failed = tracked();
    expect(failed.tracker.finish('failed', 'x'.repeat(3_000))).toMatchObject({
      phase: 'failed',
      etaSeconds: null,
      error: 'x'.repeat(2_000),
    });
    expect(tracked().tracker.finish('cancelled')).toMatchObject({ phase: 'cancelled', etaSeconds: null, error: null });
  });
});

describe('sync progress events', () => {
  it('builds the event of each phase, valid against the adapter event schema', () => {
    const { tracker, advance } = tracked();
    const events = [tracker.current];
    advance(2_000);
    tracker.page({ resource: 'items', pages: 1, entities: 10, total: null });
    events.push(tracker.current, tracker.finish('failed', 'source answered 500'));
    const fields = events.map(syncEventFields);
    expect(fields.map((f) => f.event)).toEqual(['sync.started', 'sync.progressed', 'sync.failed']);
    expect(fields[1]).toEqual({
      event: 'sync.progressed',
      sync: { mode: 'backfill', resource: 'items', entities: 10, pages: 1, durationMs: 2_000 },
      progress: {
        syncId: 'sync-1',
        phase: 'running',
        pages: 1,
        entities: 10,
        entitiesTotal: null,
        entitiesPerSecond: 5,
        etaSeconds: null,
        startedAt: '2026-12-01T08:00:00.000Z',
      },
    });
    expect(fields[2]!.error).toBe('source answered 500');
    for (const f of [...fields, syncEventFields(tracked().tracker.finish('cancelled'))]) {
      const data = { adapterId: 'crm-1', kind: 'rest-json', status: 'RUNNING' as const, ...f, occurredAt: '2026-12-01T08:00:02.000Z' };
      expect(() =>
        assertValidEvent(toDictaMeshEvent(TOPICS.adapterEvent, data, { id: 'e-1', source: '/dictamesh/adapters/crm-1' })),
      ).not.toThrow();
    }
  });

  it('keeps events of before progress valid (the schema grew additively)', () => {
    const old = {
      adapterId: 'crm-1',
      kind: 'rest-json',
      event: 'sync.completed',
      status: 'RUNNING',
      sync: { mode: 'backfill', entities: 3, pages: 1, durationMs: 5 },
      occurredAt: '2026-01-01T00:00:00.000Z',
    };
    expect(() => assertValidEvent(toDictaMeshEvent(TOPICS.adapterEvent, old as never, { id: 'e-2', source: '/a' }))).not.toThrow();
  });
});
