import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyStore } from '@dictamesh/db';
import { toEntityChangeEvent } from '@dictamesh/events';
import { adapterCommand } from '../cli/src/commands/adapter';
import { deadLettersCommand } from '../cli/src/commands/dead-letters';
import { eventsCommand } from '../cli/src/commands/events';
import { replayProgram } from '../cli/src/commands/replay';
import { gatewayRequest } from '../cli/src/shell/gateway';
import { runCaptured } from '../cli/src/shell/test-run';
import { FakeChatwoot } from '../adapters/chatwoot/test/fake-chatwoot';
import { FIXTURES, gatewaySubscriptions, startTestStack, tempDataDir, type FullStack } from './harness/harness';
import { accountChange } from './harness/identities';

// The operator commands against a whole DictaMesh on the in-process bus, as organisation acme
// with an admin API key: adapters registered, paused, resumed and removed; the Chatwoot fixtures
// replayed through its adapter's webhook route with --concurrency while `events tail` streams
// the entity changes through the gateway; dead letters listed by page, shown, replayed and
// discarded in bulk.
const ADAPTERS_DIR = fileURLToPath(new URL('../adapters', import.meta.url));
const dataDir = tempDataDir();
let stack: FullStack;
let fake: FakeChatwoot;
let as: string[];

const lines = (text: string) => text.split('\n').filter(Boolean);
const adapter = (args: string[], files: Record<string, string> = {}) => runCaptured(adapterCommand, [...args, ...as], files);
const deadLetters = (args: string[]) => runCaptured(deadLettersCommand, [...args, ...as]);

beforeAll(async () => {
  fake = await FakeChatwoot.start({ contacts: 3, conversations: 2, messagesOfFirst: 2 });
  stack = await startTestStack(
    dataDir,
    {},
    { DICTAMESH_ADAPTER_DIRS: ADAPTERS_DIR, ADAPTER_SYNC_INTERVAL_MS: '0', AUTH_ANONYMOUS_SCOPES: '' },
  );
  const { key } = await createApiKeyStore(stack.db).create({ org: 'acme', name: 'ops', scopes: ['dictamesh:admin'] });
  as = ['--gateway', stack.urls.gateway, '--api-key', key];
}, 180_000);
afterAll(async () => {
  await stack?.close();
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dictamesh operator commands against a running DictaMesh', () => {
  it('registers an adapter from a file and --secret, refuses a bad configuration problem by problem, lists it', async () => {
    const files = { 'cw.yaml': `baseUrl: ${fake.url}\naccountId: 12\n`, 'bad.json': '{"baseUrl":"not a url","accountId":-1}' };
    const registered = await adapter(
      ['register', '--kind', 'chatwoot', '--id', 'cw-ops', '--config', 'cw.yaml', '--secret', 'apiAccessToken=cw-token'],
      files,
    );
    expect(registered).toMatchObject({ code: 0, err: '' });
    expect(lines(registered.out)).toEqual([
      expect.stringMatching(/^registered cw-ops \(chatwoot\) (STARTING|RUNNING)$/),
      'secret fields set: apiAccessToken',
    ]);
    expect(registered.out).not.toContain('cw-token');

    const bad = await adapter(['register', '--kind', 'chatwoot', '--id', 'cw-bad', '--config', 'bad.json'], files);
    expect(bad).toMatchObject({ code: 1, out: '' });
    const errLines = lines(bad.err);
    expect(errLines[0]).toMatch(/^error ADAPTER_CONFIG_INVALID: /);
    expect(
      errLines
        .slice(1)
        .map((l) => l.split(':')[0])
        .sort(),
    ).toEqual(['  accountId', '  apiAccessToken', '  baseUrl']);

    await expect
      .poll(async () => lines((await adapter(['list'])).out)[1], { timeout: 30_000 })
      .toMatch(/^cw-ops\s+chatwoot\s+RUNNING\s+ok\s+\S+ BACKFILL \d+ entities/);
    const list = await adapter(['list']);
    expect(lines(list.out)[0]).toMatch(/^ID\s+KIND\s+STATUS\s+HEALTH\s+LAST SYNC$/);
    expect(lines(list.out).at(-1)).toBe('# 1 adapter');
  });

  it('streams an entity change of a replayed webhook through the gateway (events tail on the in-process bus), replaying with --concurrency', async () => {
    const urn = 'dictamesh:chatwoot:account/12:contact:1190'; // contact_created.json
    const tail = runCaptured(eventsCommand, ['tail', '--subject', urn, '--max', '1', '--timeout', '60', ...as]);
    await expect.poll(() => gatewaySubscriptions(stack), { timeout: 30_000 }).toBe(1);

    const replay = await runCaptured(replayProgram, [
      FIXTURES,
      '--webhooks',
      stack.urls.webhooks,
      '--adapter',
      'cw-ops',
      '--concurrency',
      '3',
    ]);
    expect(replay).toMatchObject({ code: 0, err: '' });
    expect(lines(replay.out)).toEqual([
      expect.stringMatching(/^9 deliveries in \d+\.\d s \(\d+\/s\): \d+ accepted \(\d+ entity change events\), \d+ ignored, 0 rejected$/),
    ]);

    const tailed = await tail;
    expect(tailed).toMatchObject({ code: 0, err: '' });
    const [line, ...more] = lines(tailed.out);
    expect(more).toEqual([]);
    expect(JSON.parse(line!)).toMatchObject({
      via: 'gateway',
      key: urn,
      event: {
        type: 'dictamesh.entity.created',
        subject: urn,
        data: { urn, entityType: 'contact', source: 'chatwoot', displayName: expect.any(String) },
      },
    });
  });

  it('pauses, resumes and removes the adapter', async () => {
    expect(await adapter(['pause', 'cw-ops'])).toMatchObject({ code: 0, out: 'paused cw-ops (chatwoot) PAUSED\n' });
    expect(JSON.parse((await adapter(['list', '--json'])).out)).toEqual([expect.objectContaining({ id: 'cw-ops', status: 'PAUSED' })]);
    const resumed = await adapter(['resume', 'cw-ops']);
    expect(resumed).toMatchObject({ code: 0, err: '' });
    expect(resumed.out).toMatch(/^resumed cw-ops \(chatwoot\) (STARTING|RUNNING)\n$/);
    expect(await adapter(['remove', 'cw-ops'])).toMatchObject({
      code: 0,
      out: 'removed cw-ops (chatwoot); its entities stay in the catalog\n',
    });
    expect(await adapter(['list'])).toMatchObject({ code: 0, out: '# 0 adapters\n' });
    const gone = await adapter(['pause', 'cw-ops']);
    expect(gone).toMatchObject({ code: 1, out: '' });
    expect(gone.err).toBe('error NOT_FOUND: No adapter "cw-ops"\n  {"field":"id"}\n');
  });

  it('lists dead letters by page, shows one with its headers, replays one and discards the rest in bulk', async () => {
    const urns = [1, 2, 3].map((n) => `dictamesh:crm:account:dead-${n}`);
    const row = (urn: string, n: number) => ({
      orgId: 'acme',
      eventId: `dead-${n}`,
      eventType: 'dictamesh.entity.updated',
      subject: urn,
      event: toEntityChangeEvent(accountChange(urn, `Dead ${n}`), { id: `dead-${n}`, source: '/crm', org: 'acme' }).toJSON() as object,
      error: `handler failed ${n}`,
      attempts: 5,
      consumerGroup: 'dictamesh-catalog',
      originalTopic: 'dictamesh.entity.updated',
      originalPartition: 0,
      originalOffset: BigInt(n),
      dlqTopic: 'dictamesh.dlq',
      dlqPartition: 0,
      dlqOffset: BigInt(90_000 + n),
      createdAt: new Date(Date.UTC(2026, 11, 1, 7, n)),
    });
    await stack.db.prisma.deadLetter.createMany({ data: urns.map((urn, i) => row(urn, i + 1)) });

    const page = await deadLetters(['list', '--first', '2']);
    expect(page.code).toBe(0);
    const pageLines = lines(page.out);
    expect(pageLines.slice(1, 3).map((l) => l.split(/\s+/)[3])).toEqual([urns[2], urns[1]]); // newest first
    const cursor = /; next page: --after (\S+)$/.exec(pageLines[3]!)?.[1];
    expect(pageLines[3]).toMatch(/^# 2 PENDING dead letters; next page: --after \S+$/);
    const next = JSON.parse((await deadLetters(['list', '--first', '2', '--after', cursor!, '--json'])).out) as {
      nodes: Array<{ id: string; subject: string }>;
      pageInfo: { hasNextPage: boolean };
    };
    expect(next.nodes.map((n) => n.subject)).toEqual([urns[0]]);
    expect(next.pageInfo.hasNextPage).toBe(false);
    const oldest = next.nodes[0]!.id;

    const shown = await deadLetters(['show', oldest]);
    expect(shown.code).toBe(0);
    expect(lines(shown.out).slice(0, 10)).toEqual([
      `id: ${oldest}`,
      'status: PENDING (recorded 2026-12-01T07:01:00.000Z)',
      `event: dead-1 dictamesh.entity.updated ${urns[0]}`,
      'headers:',
      '  dlq-error: handler failed 1',
      '  dlq-consumer-group: dictamesh-catalog',
      '  dlq-attempts: 5',
      '  dlq-original-topic: dictamesh.entity.updated',
      '  dlq-original-partition: 0',
      '  dlq-original-offset: 1',
    ]);
    expect(shown.out).toContain('"displayName": "Dead 1"');

    expect(await deadLetters(['replay', oldest])).toMatchObject({ code: 0, out: 'replayed 1 of 1 dead letter; 0 failed\n' });
    const entity = async () =>
      (
        await gatewayRequest<{ entity: { displayName: string } | null }>(
          { gateway: stack.urls.gateway, apiKey: as[3] },
          'query ($urn: ID!) { entity(urn: $urn) { displayName } }',
          { urn: urns[0] },
        )
      ).entity?.displayName;
    await expect.poll(entity, { timeout: 30_000 }).toBe('Dead 1');

    const unconfirmed = await deadLetters(['discard', '--all']);
    expect(unconfirmed).toMatchObject({
      code: 2,
      out: '',
      err: 'error USAGE: discard --all would discard 2 PENDING dead letters: add --yes to confirm\n',
    });
    expect(await deadLetters(['discard', '--all', '--status', 'PENDING', '--yes'])).toMatchObject({
      code: 0,
      out: 'discarded 2 of 2 dead letters; 0 failed\n',
    });
    const again = await deadLetters(['replay', oldest, next.nodes[0]!.id.replace(/.$/, '0')]);
    expect(again.code).toBe(1);
    expect(lines(again.out)).toEqual([
      expect.stringMatching(new RegExp(`^failed ${oldest}: BAD_USER_INPUT Dead letter .* is already REPLAYED$`)),
      expect.stringMatching(/^failed \S+: NOT_FOUND No dead letter /),
      'replayed 0 of 2 dead letters; 2 failed',
    ]);
    const discarded = JSON.parse((await deadLetters(['list', '--status', 'DISCARDED', '--json'])).out) as {
      nodes: Array<{ subject: string }>;
    };
    expect(discarded.nodes.map((n) => n.subject)).toEqual([urns[2], urns[1]]);
  });
});
