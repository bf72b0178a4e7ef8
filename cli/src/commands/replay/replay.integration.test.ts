import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../../shell/test-run';
import { replayProgram } from './index';

// A loopback webhook endpoint that holds each delivery 30 ms and records what was in flight:
// the pool's bound, the parallelism it reaches, and the order of one conversation's deliveries.
const dir = mkdtempSync(join(tmpdir(), 'dictamesh-replay-'));
const received: Array<{ url: string; event: string; key: string; signature: string | undefined }> = [];
let inFlight = 0;
let peak = 0;
let server: Server;
let base: string;

beforeAll(async () => {
  // 3 conversations of 4 deliveries each (names interleave them) and 8 independent contacts
  for (let i = 0; i < 12; i += 1) {
    const conversation = i % 3;
    const body = { event: i % 4 === 0 ? 'conversation_created' : 'message_created', id: 1000 + i, conversation: { id: conversation } };
    writeFileSync(join(dir, `${String(i).padStart(2, '0')}-c${conversation}.json`), JSON.stringify(body));
  }
  for (let i = 0; i < 8; i += 1) writeFileSync(join(dir, `contact-${i}.json`), JSON.stringify({ event: 'contact_created', id: i }));
  writeFileSync(join(dir, 'rejected.json'), JSON.stringify({ event: 'contact_created', id: 'bad' }));
  writeFileSync(join(dir, 'notes.txt'), 'not a delivery');
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      const body = JSON.parse(text) as { event: string; id: number | string; conversation?: { id: number } };
      const key = body.conversation ? `c${body.conversation.id}` : `contact-${body.id}`;
      setTimeout(() => {
        inFlight -= 1;
        received.push({
          url: request.url!,
          event: body.event,
          key: `${key}:${body.id}`,
          signature: request.headers['x-chatwoot-signature'] as string,
        });
        response.setHeader('content-type', 'application/json');
        if (body.id === 'bad') {
          response.statusCode = 422;
          response.end(JSON.stringify({ code: 'WEBHOOK_INVALID_PAYLOAD', message: 'Invalid contact_created body: id: expected number' }));
        } else if (body.id === 7) {
          response.statusCode = 202;
          response.end(JSON.stringify({ ignored: true, code: 'WEBHOOK_EVENT_IGNORED', reason: 'test' }));
        } else {
          response.statusCode = 202;
          response.end(JSON.stringify({ accepted: 2, events: [] }));
        }
      }, 30);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('dictamesh replay against a webhook endpoint', () => {
  it('delivers --concurrency at once, one conversation in order, and exits 1 listing the rejected delivery', async () => {
    const run = await runCaptured(replayProgram, [
      dir,
      '--webhooks',
      base,
      '--adapter',
      'cw-main',
      '--concurrency',
      '3',
      '--webhook-secret',
      's',
    ]);
    expect(run.code).toBe(1);
    expect(run.err).toBe('');
    const lines = run.out.split('\n').filter(Boolean);
    expect(lines[0]).toBe('rejected.json  422 rejected WEBHOOK_INVALID_PAYLOAD Invalid contact_created body: id: expected number');
    expect(lines[1]).toMatch(/^21 deliveries in \d+\.\d s \(\d+\/s\): 19 accepted \(38 entity change events\), 1 ignored, 1 rejected$/);
    expect(lines).toHaveLength(2);
    expect(received).toHaveLength(21);
    expect(new Set(received.map((r) => r.url))).toEqual(new Set(['/webhooks/chatwoot/adapters/cw-main']));
    expect(received.every((r) => /^sha256=[0-9a-f]{64}$/.test(r.signature ?? ''))).toBe(true);
    expect(peak).toBe(3);
    for (const conversation of ['c0', 'c1', 'c2']) {
      const ids = received.filter((r) => r.key.startsWith(`${conversation}:`)).map((r) => Number(r.key.split(':')[1]));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(ids).toHaveLength(4);
    }
  });

  it('with --concurrency 1 delivers one at a time and prints every delivery with --verbose', async () => {
    received.length = 0;
    peak = 0;
    const run = await runCaptured(replayProgram, [dir, '--url', `${base}/chatwoot/accounts/12`, '--concurrency', '1', '--verbose']);
    expect(run.code).toBe(1);
    expect(peak).toBe(1);
    const lines = run.out.split('\n').filter(Boolean);
    expect(lines).toHaveLength(22);
    expect(lines[0]).toBe('00-c0.json  202 2 events');
    expect(lines).toContain('contact-7.json  202 ignored WEBHOOK_EVENT_IGNORED test');
    expect(received.map((r) => r.url)[0]).toBe('/webhooks/chatwoot/accounts/12');
  });
});
