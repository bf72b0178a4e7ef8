import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { fail, ok, reason, skip, type Outcome } from './checks';

/**
 * Asks the Kafka brokers for the cluster's metadata (kafkajs admin `describeCluster`), no retry.
 * @returns ok with the broker count and controller; FAIL with kafkajs' error
 */
export async function kafkaProbe(brokers: string[], clientId: string, timeoutMs: number): Promise<Outcome> {
  const admin = new Kafka({
    clientId,
    brokers,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return ok(
      `${cluster.brokers.length} broker${cluster.brokers.length === 1 ? '' : 's'} (controller ${cluster.controller}) via ${brokers.join(',')}`,
    );
  } catch (error) {
    return fail(`${brokers.join(',')}: ${reason(error)}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Sends PING to Redis (ioredis), one connection attempt.
 * @returns ok on PONG; FAIL with the connection error
 */
export async function redisProbe(url: string, timeoutMs: number): Promise<Outcome> {
  const where = new URL(url);
  const label = `${where.hostname}:${where.port || 6379}`;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // reported through the rejected command
  try {
    await redis.connect();
    const answer = await redis.ping();
    return answer === 'PONG' ? ok(`${label} answered PING`) : fail(`${label} answered PING with ${answer}`);
  } catch (error) {
    return fail(`${label}: ${reason(error)}`);
  } finally {
    redis.disconnect();
  }
}

/**
 * Asks a service's `/readyz` (200 when it and what it needs are ready).
 * @returns ok on 200; FAIL with the status and the start of the body, or the connection error
 */
export async function readyProbe(url: string, timeoutMs: number): Promise<Outcome> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.text()).replace(/\s+/g, ' ').slice(0, 200);
    return response.status === 200 ? ok(`${url} ready`) : fail(`${url} answered HTTP ${response.status}: ${body}`);
  } catch (error) {
    return fail(`${url}: ${reason(error)}`);
  }
}

/** Where a key comes from: its variable (already validated by the configuration) or its key file. */
export interface KeySource {
  /** The variable's name (`SUBGRAPH_TOKEN_KEY`). */
  variable: string;
  /** Whether the variable is set. */
  set: boolean;
  /** The key file used when it is not. */
  file: string;
  /** Whether a missing key is a failure (production: every process must share the key), else the stack creates it. */
  required: boolean;
}

/**
 * Whether a key is present and readable: its variable, else its key file holding 32 bytes or
 * more of base64.
 */
export function keyProbe(source: KeySource, read: (path: string) => string = (path) => readFileSync(path, 'utf8')): Outcome {
  if (source.set) return ok(`from ${source.variable}`);
  let text: string;
  try {
    text = read(source.file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return fail(`${source.file} is not readable: ${reason(error)}`);
    const missing = `neither ${source.variable} nor ${source.file}`;
    return source.required
      ? fail(`${missing} (production: give every process the same key)`)
      : skip(`${missing}: created at the first start`);
  }
  const bytes = Buffer.from(text.trim(), 'base64').length;
  return bytes >= 32 ? ok(`from ${source.file}`) : fail(`${source.file} holds ${bytes} bytes, not a 32-byte base64 key`);
}
