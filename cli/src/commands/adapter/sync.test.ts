import { describe, expect, it } from 'vitest';
import { isCommanderStop } from '../../shell/command';
import { capturedIo } from '../../shell/test-run';
import { adapterCommand } from './index';
import { progressMessage } from './sync-fixtures';
import { completedLine, outcome } from './sync';
import { durationText, progressLine, progressText, SyncProgressView } from './sync-view';

// nothing listens on port 9 (discard) of loopback
const OFFLINE = ['--gateway', 'http://127.0.0.1:9/graphql'];

describe('sync progress rendering', () => {
  it('shows entities of the total with the percentage, pages, rate and ETA; a counter while the total is unknown', () => {
    expect(progressText(progressMessage(1, 'RUNNING'))).toBe('25/100 entities (25%) · 1 page · 12.5/s · ETA 6s');
    expect(progressText(progressMessage(0, 'STARTED'))).toBe('0/100 entities (0%) · 0 pages · -/s · ETA -');
    expect(progressText(progressMessage(3, 'RUNNING', null))).toBe('75 entities · 3 pages · 12.5/s · ETA -');
    expect(progressLine(progressMessage(4, 'COMPLETED'))).toBe('crm completed: 100/100 entities (100%) · 4 pages · 12.5/s · ETA 0s');
    expect([durationText(0.2), durationText(59), durationText(125), durationText(3_725)]).toEqual(['1s', '59s', '2m05s', '1h02m']);
    expect(completedLine(progressMessage(4, 'COMPLETED'))).toBe('crm: backfill sync completed: 100 entities, 4 pages in 8s');
  });

  it('writes one line per message when standard error is not a terminal', () => {
    const { run, io } = capturedIo();
    const view = new SyncProgressView(io, null);
    for (const m of [progressMessage(0, 'STARTED'), progressMessage(2, 'RUNNING', null), progressMessage(4, 'COMPLETED')]) view.update(m);
    view.stop();
    expect(run.err.split('\n')).toEqual([
      'crm started: 0/100 entities (0%) · 0 pages · -/s · ETA -',
      'crm running: 50 entities · 2 pages · 12.5/s · ETA -',
      'crm completed: 100/100 entities (100%) · 4 pages · 12.5/s · ETA 0s',
      '',
    ]);
    expect(run.out).toBe('');
  });

  it('draws a cli-progress bar on a terminal, ending with the last state', () => {
    const { io } = capturedIo();
    let drawn = '';
    const view = new SyncProgressView(io, { isTTY: true, columns: 120, write: (text) => ((drawn += text), true) });
    for (const m of [progressMessage(0, 'STARTED'), progressMessage(2, 'RUNNING'), progressMessage(4, 'COMPLETED')]) view.update(m);
    view.stop();
    const escape = new RegExp(`${String.fromCharCode(27)}(\\[[0-9;?]*[A-Za-z]|[78])`, 'g'); // ANSI cursor / line controls
    const frames = drawn.replace(escape, '\n').split('\n').filter(Boolean);
    expect(frames[0]).toBe(`[${'░'.repeat(30)}] 0/100 entities (0%) · 0 pages · -/s · ETA -`);
    expect(frames.at(-1)).toBe(`[${'█'.repeat(30)}] 100/100 entities (100%) · 4 pages · 12.5/s · ETA 0s`);
  });
});

describe('dictamesh adapter sync arguments', () => {
  const parse = async (args: string[]) => {
    const { run, io } = capturedIo();
    await adapterCommand(io)
      .parseAsync(args, { from: 'user' })
      .catch((error: unknown) => {
        if (!isCommanderStop(error)) throw error;
      });
    return run;
  };

  it('exits 2 on a bad mode, 0 on --help with an example, 1 with one line when the gateway does not answer', async () => {
    const bad = await parse(['sync', 'crm', '--mode', 'FULL', ...OFFLINE]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("option '--mode <mode>' argument 'FULL' is invalid. Allowed choices are BACKFILL, INCREMENTAL.");
    const help = await parse(['sync', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('$ dictamesh adapter sync crm-main --mode BACKFILL');
    expect(help.out).toContain('--no-watch');
    const offline = await parse(['sync', 'crm', ...OFFLINE]);
    expect(offline.code).toBe(1);
    expect(offline.err).toMatch(/^error GATEWAY_UNREACHABLE: http:\/\/127\.0\.0\.1:9\/graphql: [^\n]+\n$/);
  });

  it('maps the last message to the exit: 0 completed, else a coded failure (exit 1)', () => {
    const { run, io } = capturedIo();
    expect(outcome('crm', progressMessage(4, 'COMPLETED'), io)).toBe(0);
    expect(run.out).toBe('crm: backfill sync completed: 100 entities, 4 pages in 8s\n');
    expect(() => outcome('crm', progressMessage(2, 'FAILED', 100, { error: 'GET <url> answered 422' }), io)).toThrow(
      expect.objectContaining({ code: 'SYNC_FAILED', message: 'crm: GET <url> answered 422', exitCode: 1 }),
    );
    expect(() => outcome('crm', progressMessage(1, 'CANCELLED'), io)).toThrow(expect.objectContaining({ code: 'SYNC_CANCELLED' }));
    expect(() => outcome('crm', progressMessage(1, 'RUNNING'), io)).toThrow(expect.objectContaining({ code: 'SYNC_UNFINISHED' }));
    expect(() => outcome('crm', undefined, io)).toThrow(expect.objectContaining({ code: 'SYNC_UNFINISHED' }));
  });
});
