import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCommanderStop } from '../../shell/command';
import { capturedIo } from '../../shell/test-run';
import { adapterCommand } from './index';
import { progressMessage } from './sync-fixtures';
import { adapterSyncCommand } from './sync';
import type { SyncProgressMessage } from './sync-view';

// `dictamesh adapter sync` against a loopback stand-in of the gateway answering `triggerSync`;
// the progress comes from an injected follow (the real subscription is run by e2e/adapter-sync-progress).

describe('dictamesh adapter sync', () => {
  // a gateway answering triggerSync only (the progress comes from the injected follow)
  let gateway: Server;
  let url = '';
  const bodies: Array<{ query: string; variables: Record<string, unknown> }> = [];
  beforeAll(async () => {
    gateway = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
        bodies.push(parsed);
        res.writeHead(200, { 'content-type': 'application/json' });
        if (parsed.variables.id === 'nope')
          res.end(JSON.stringify({ data: null, errors: [{ message: 'No adapter "nope"', extensions: { code: 'NOT_FOUND' } }] }));
        else res.end(JSON.stringify({ data: { triggerSync: { id: parsed.variables.id, lastSync: { syncId: 's-1', phase: 'STARTED' } } } }));
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => gateway.close(() => resolve())));

  const follow = (messages: SyncProgressMessage[]) => ({
    terminal: null,
    follow: async function* () {
      yield* messages;
    },
  });
  const options = (extra: Record<string, unknown> = {}) => ({ gateway: url, mode: 'BACKFILL' as const, watch: true, ...extra });

  it('triggers the sync, shows its progress and exits 0 with a summary when it completed', async () => {
    const { run, io } = capturedIo();
    const code = await adapterSyncCommand(
      'crm',
      options(),
      io,
      follow([progressMessage(0, 'STARTED'), progressMessage(2, 'RUNNING'), progressMessage(4, 'COMPLETED')]),
    );
    expect(code).toBe(0);
    expect(bodies.at(-1)!.variables).toEqual({ id: 'crm', mode: 'BACKFILL' });
    expect(run.out).toBe('crm: backfill sync completed: 100 entities, 4 pages in 8s\n');
    expect(run.err.split('\n')).toHaveLength(4);
  });

  it('exits 1 with the error line of a failed sync', async () => {
    const { io } = capturedIo();
    const failed = progressMessage(2, 'FAILED', 100, { error: 'GET <url> answered 422' });
    await expect(adapterSyncCommand('crm', options(), io, follow([progressMessage(1, 'RUNNING'), failed]))).rejects.toMatchObject({
      code: 'SYNC_FAILED',
      message: 'crm: GET <url> answered 422',
      exitCode: 1,
    });
  });

  it('returns at once with --no-watch', async () => {
    const { run, io } = capturedIo();
    expect(await adapterSyncCommand('crm', options({ watch: false }), io, follow([]))).toBe(0);
    expect(run.out).toBe('crm: backfill sync started (sync s-1)\n');
  });

  it('prints one error line through the command tree for an unknown adapter', async () => {
    const parse = async (args: string[]) => {
      const { run, io } = capturedIo();
      await adapterCommand(io)
        .parseAsync(args, { from: 'user' })
        .catch((error: unknown) => {
          if (!isCommanderStop(error)) throw error;
        });
      return run;
    };
    const unknown = await parse(['sync', 'nope', '--gateway', url]);
    expect([unknown.code, unknown.err]).toEqual([1, 'error NOT_FOUND: No adapter "nope"\n']);
  });
});
