import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCaptured } from '../../shell/test-run';
import { deadLettersCommand } from './index';

// A loopback GraphQL endpoint standing in for the gateway: 503 pending dead letters (two pages
// of `deadLetters` at 500), `replayDeadLetter` refusing two of them, or refusing the caller
// after a number of calls.
const PENDING = Array.from({ length: 503 }, (_, i) => `dl-${String(i).padStart(3, '0')}`); // newest first
const REFUSED = new Set(['dl-010', 'dl-400']);
let server: Server;
let gateway: string;
let mutated: string[] = [];
let pages: Array<{ first: number; after: string | null }> = [];
let unauthenticatedAfter = Infinity;

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const { query, variables } = JSON.parse(text) as { query: string; variables: Record<string, unknown> };
      const answer = (body: unknown) => response.setHeader('content-type', 'application/json').end(JSON.stringify(body));
      if (query.includes('deadLetters(')) {
        const first = variables.first as number;
        const after = (variables.after as string | null) ?? null;
        pages.push({ first, after });
        const start = after === null ? 0 : PENDING.indexOf(after) + 1;
        const nodes = PENDING.slice(start, start + first).map((id) => ({ id }));
        const hasNextPage = start + first < PENDING.length;
        return answer({ data: { deadLetters: { nodes, pageInfo: { hasNextPage, endCursor: nodes.at(-1)?.id ?? null } } } });
      }
      const id = variables.id as string;
      if (mutated.length >= unauthenticatedAfter) {
        return answer({ errors: [{ message: 'The API key was revoked.', extensions: { code: 'UNAUTHENTICATED' } }], data: null });
      }
      mutated.push(id);
      if (REFUSED.has(id)) {
        return answer({
          errors: [{ message: `Dead letter "${id}" is already REPLAYED`, extensions: { code: 'BAD_USER_INPUT', field: 'id' } }],
          data: null,
        });
      }
      return answer({ data: { replayDeadLetter: { id, status: 'REPLAYED' } } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gateway = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  mutated = [];
  pages = [];
  unauthenticatedAfter = Infinity;
});

describe('dictamesh dead-letters replay --all', () => {
  it('reads every page first, replays oldest first, lists each failure and exits 1', async () => {
    const run = await runCaptured(deadLettersCommand, ['replay', '--all', '--yes', '--gateway', gateway]);
    expect(pages).toEqual([
      { first: 500, after: null },
      { first: 500, after: 'dl-499' },
    ]);
    expect(mutated).toEqual([...PENDING].reverse());
    expect(run).toEqual({
      code: 1,
      err: '',
      out: [
        'failed dl-400: BAD_USER_INPUT Dead letter "dl-400" is already REPLAYED',
        'failed dl-010: BAD_USER_INPUT Dead letter "dl-010" is already REPLAYED',
        'replayed 501 of 503 dead letters; 2 failed',
        '',
      ].join('\n'),
    });
  });

  it('asks for --yes naming how many, changing nothing', async () => {
    const run = await runCaptured(deadLettersCommand, ['replay', '--all', '--gateway', gateway]);
    expect(run).toEqual({
      code: 2,
      out: '',
      err: 'error USAGE: replay --all would replay 503 PENDING dead letters: add --yes to confirm\n',
    });
    expect(mutated).toEqual([]);
  });

  it('stops at once when the gateway refuses the caller mid-way', async () => {
    unauthenticatedAfter = 3;
    const run = await runCaptured(deadLettersCommand, ['replay', '--all', '--yes', '--gateway', gateway]);
    expect(run).toEqual({ code: 1, out: '', err: 'error UNAUTHENTICATED: The API key was revoked.\n' });
    expect(mutated).toEqual(['dl-502', 'dl-501', 'dl-500']);
  });
});
