import { describe, expect, it } from 'vitest';
import { parseStackEnv } from '../../env';
import { runCaptured } from '../../shell/test-run';
import { outcomeLine, runChecks } from './checks';
import { doctorCommand, readinessUrl } from './index';
import { keyProbe } from './probes';

const doctor = (args: string[], env: Record<string, string>) => runCaptured((io) => doctorCommand(io, env), args);

describe('dictamesh doctor', () => {
  it('bounds every check: one that does not answer in time FAILs, the others keep their outcome, in order', async () => {
    const outcomes = await runChecks([
      { name: 'slow', timeoutMs: 30, run: () => new Promise(() => undefined) },
      { name: 'fast', timeoutMs: 10_000, run: async () => ({ status: 'ok', detail: 'fine' }) },
      {
        name: 'broken',
        timeoutMs: 10_000,
        run: async () => {
          throw new Error('boom', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
        },
      },
    ]);
    expect(outcomes).toEqual([
      { status: 'FAIL', detail: 'no answer within 30 ms' },
      { status: 'ok', detail: 'fine' },
      { status: 'FAIL', detail: 'boom: connect ECONNREFUSED 127.0.0.1:9' },
    ]);
    expect(outcomeLine('kafka', { status: 'FAIL', detail: 'a\n  b' })).toBe('FAIL kafka: a; b');
  });

  it('FAILs the environment in one line when it does not parse, exit status 1, nothing else checked', async () => {
    const run = await doctor([], { KAFKA_BROKERS: 'no-port', GATEWAY_PORT: 'x' });
    expect(run.code).toBe(1);
    expect(run.out).toBe(
      'FAIL environment: GATEWAY_PORT: Invalid input: expected number, received NaN; KAFKA_BROKERS: expected host:port[,host:port…]\n',
    );
  });

  it('finds each /readyz from the ports of DICTAMESH_SERVICES or the subgraph URL variables', () => {
    const env = parseStackEnv({
      HOST: '0.0.0.0',
      GATEWAY_PORT: '8080',
      DICTAMESH_SERVICES: 'gateway',
      CATALOG_SUBGRAPH_URL: 'http://catalog:4001/graphql',
    });
    const entry = (service: 'gateway' | 'catalog' | 'billing') => ({ service, subgraph: service === 'gateway' ? undefined : service });
    expect(readinessUrl(env, entry('gateway'))).toBe('http://127.0.0.1:8080/readyz');
    expect(readinessUrl(env, entry('catalog'))).toBe('http://catalog:4001/readyz');
    expect(readinessUrl(env, entry('billing'))).toBeUndefined();
  });

  it('checks keys: the variable, else a readable 32-byte key file; missing is a FAIL only in production', () => {
    const source = { variable: 'SUBGRAPH_TOKEN_KEY', set: false, file: '/d/subgraph-token.key', required: false };
    const missing = () => {
      throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    };
    const denied = () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    expect(keyProbe({ ...source, set: true })).toEqual({ status: 'ok', detail: 'from SUBGRAPH_TOKEN_KEY' });
    expect(keyProbe(source, () => Buffer.alloc(32, 1).toString('base64'))).toEqual({ status: 'ok', detail: 'from /d/subgraph-token.key' });
    expect(keyProbe(source, () => 'c2hvcnQ=')).toEqual({
      status: 'FAIL',
      detail: '/d/subgraph-token.key holds 5 bytes, not a 32-byte base64 key',
    });
    expect(keyProbe(source, missing).status).toBe('skip');
    expect(keyProbe({ ...source, required: true }, missing)).toEqual({
      status: 'FAIL',
      detail: 'neither SUBGRAPH_TOKEN_KEY nor /d/subgraph-token.key (production: give every process the same key)',
    });
    expect(keyProbe(source, denied)).toEqual({
      status: 'FAIL',
      detail: '/d/subgraph-token.key is not readable: EACCES: permission denied',
    });
  });

  it('shows examples in its help; refuses a bad --timeout with exit status 2', async () => {
    const help = await doctor(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.out).toContain('Examples:\n  $ dictamesh doctor\n');
    expect((await doctor(['--timeout', '0'], {})).code).toBe(2);
  });
});
