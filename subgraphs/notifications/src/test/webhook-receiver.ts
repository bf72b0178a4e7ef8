import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got. */
export interface ReceivedWebhook {
  /** The `webhook-id` header ('' without one). */
  id: string;
  /** Every request header, names lowercased (repeated ones joined with ', '). */
  headers: Record<string, string>;
  /** The raw body, as signed. */
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /**
   * One `v1,` signature of `webhook-signature` is the `standardwebhooks` signature of
   * `{webhook-id}.{webhook-timestamp}.{body}` with the receiver's secret (the timestamp's age is
   * not checked, so fixed test vectors verify); false without a secret.
   */
  verified: boolean;
  /** The status the receiver answered. */
  status: number;
}

/** What the receiver answers next: a status, or a status with headers (e.g. `Retry-After`) and a body. */
export type WebhookAnswer = number | { status: number; headers?: Record<string, string>; body?: string };

/** A loopback HTTP server receiving Standard Webhooks, for tests. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hook` */
  url: string;
  /** The requests received so far, in order. */
  received(): ReceivedWebhook[];
  /** The next answers, in order (then 200 again). */
  respondWith(answers: WebhookAnswer[]): void;
  /**
   * Waits until at least `count` requests arrived (polls; default 10 000 ms).
   * @throws Error when the time is up
   */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** Whether one of the header's `v1,` signatures is the expected one (constant-time compare). */
function signatureMatches(secret: string, id: string, timestamp: string, body: string, header: string): boolean {
  const seconds = Number(timestamp);
  if (!id || !Number.isInteger(seconds)) return false;
  const expected = Buffer.from(new Webhook(secret).sign(id, new Date(seconds * 1000), body));
  return header.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function headerRecord(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Starts a webhook receiver on 127.0.0.1 (free port) that records every request and checks its
 * Standard Webhooks signature with `secret` (`whsec_…`; the `standardwebhooks` package signs the
 * expected value).
 */
export async function startWebhookReceiver(secret?: string): Promise<WebhookReceiver> {
  const records: ReceivedWebhook[] = [];
  let answers: WebhookAnswer[] = [];
  const server = createServer((request, response) => {
    readBody(request).then(
      (body) => {
        const headers = headerRecord(request);
        const id = headers['webhook-id'] ?? '';
        const verified =
          secret !== undefined &&
          signatureMatches(secret, id, headers['webhook-timestamp'] ?? '', body, headers['webhook-signature'] ?? '');
        const next = answers.shift() ?? 200;
        const answer = typeof next === 'number' ? { status: next } : next;
        records.push({ id, headers, body, json: parseJson(body), verified, status: answer.status });
        response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        response.end(answer.body ?? '');
      },
      () => response.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received: () => [...records],
    respondWith(next) {
      answers = [...next];
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (records.length < count) {
        if (Date.now() > deadline) throw new Error(`webhook receiver: ${records.length} of ${count} requests after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return [...records];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
