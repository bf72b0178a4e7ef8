import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { json, startLocalServer, type LocalServer } from '../../../../test/local-server';
import { SourceHttpError, SourceTimeoutError, SourceUnavailableError } from '../errors';
import { apiKeyHeader, oauth2ClientCredentials } from './auth';
import { HttpClient, type HttpClientOptions } from './http-client';

let server: LocalServer;
const clients: HttpClient[] = [];
// the fake source listens on loopback, which the production policy refuses (see net/guarded-agent.test.ts)
const outbound = { allowedHosts: ['127.0.0.1'] };
const client = (options: Partial<HttpClientOptions> = {}) => {
  const c = new HttpClient({ baseUrl: `${server.url}/api/v1`, retry: { initialDelayMs: 5, maxDelayMs: 20 }, outbound, ...options });
  clients.push(c);
  return c;
};
beforeAll(async () => void (server = await startLocalServer()));
afterAll(() => server.close());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  server.requests.length = 0;
});

describe('HttpClient', () => {
  it('resolves paths against the base URL, sends query, auth and JSON, parses the answer', async () => {
    server.handle((req, res) => json(res, 200, { url: req.url, token: req.headers.api_access_token }));
    const res = await client({ auth: apiKeyHeader('api_access_token', 's3cret') }).get<{ url: string; token: string }>('contacts', {
      page: 2,
      q: undefined,
    });
    expect(res.body).toEqual({ url: '/api/v1/contacts?page=2', token: 's3cret' });
  });

  it('waits what Retry-After asks on 429, then succeeds', async () => {
    let calls = 0;
    server.handle((_req, res) =>
      ++calls === 1 ? json(res, 429, { error: 'slow down' }, { 'retry-after': '1' }) : json(res, 200, { ok: true }),
    );
    const started = Date.now();
    const res = await client().get('limited');
    expect(res.body).toEqual({ ok: true });
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950); // the 5 ms backoff alone would not wait this long
  });

  it('gives up at once when Retry-After is longer than the client will wait', async () => {
    server.handle((_req, res) => json(res, 429, {}, { 'retry-after': '3600' }));
    const error = await client({ retry: { maxRetryAfterMs: 1_000 } })
      .get('limited')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceHttpError);
    expect(error).toMatchObject({ sourceStatus: 429, retryAfterMs: 3_600_000, retryable: true });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a 4xx answer and says it is not retryable', async () => {
    server.handle((_req, res) => json(res, 404, { error: 'Resource could not be found' }));
    const error = await client()
      .get('contacts/999')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SOURCE_REQUEST_FAILED', sourceStatus: 404, retryable: false });
    expect((error as Error).message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/contacts\/999 answered 404/);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 5xx burst, opens the circuit (fails fast without calling), then half-opens and closes on success', async () => {
    let healthy = false;
    server.handle((_req, res) => (healthy ? json(res, 200, { ok: true }) : json(res, 503, { error: 'maintenance' })));
    const c = client({
      retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
      breaker: { consecutiveFailures: 3, halfOpenAfterMs: 300 },
    });
    await expect(c.get('x')).rejects.toMatchObject({ sourceStatus: 503 });
    expect(server.requests).toHaveLength(3);
    expect(c.circuit).toBe('open');
    const open = await c.get('x').catch((e: unknown) => e);
    expect(open).toBeInstanceOf(SourceUnavailableError);
    expect(open).toMatchObject({ circuitOpen: true, retryable: true, code: 'SOURCE_UNAVAILABLE' });
    expect(server.requests).toHaveLength(3); // refused without touching the source
    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 350));
    await expect(c.get('x')).resolves.toMatchObject({ body: { ok: true } });
    expect(c.circuit).toBe('closed');
    expect(server.requests).toHaveLength(4);
  });

  it('times out a slow answer per attempt and retries it', async () => {
    server.handle((_req, res) => void setTimeout(() => json(res, 200, { late: true }), 600));
    const error = await client({ timeoutMs: 100, retry: { maxAttempts: 2, initialDelayMs: 1 } })
      .get('slow')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceTimeoutError);
    expect(error).toMatchObject({ code: 'SOURCE_TIMEOUT', timeoutMs: 100, retryable: true });
    expect(server.requests).toHaveLength(2);
  });

  it('reports an unreachable source as SOURCE_UNAVAILABLE after its retries', async () => {
    const dead = new HttpClient({ baseUrl: 'http://127.0.0.1:9', retry: { maxAttempts: 2, initialDelayMs: 1 }, outbound });
    clients.push(dead);
    await expect(dead.get('x')).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE', circuitOpen: false });
  });

  it('lets as many requests through as one window allows and no more (counted, not timed)', async () => {
    server.handle((_req, res) => json(res, 200, { ok: true }));
    // a window no test run outlasts, and no queue: the sixth request is refused instead of waiting
    const c = client({ rateLimit: { requests: 5, perMs: 3_600_000, maxQueue: 0 } });
    await Promise.all(Array.from({ length: 5 }, () => c.get('x')));
    await expect(c.get('x')).rejects.toThrow();
    expect(server.requests).toHaveLength(5);
  });

  it('holds queued requests until the next window', async () => {
    server.handle((_req, res) => json(res, 200, { at: Date.now() }));
    const c = client({ rateLimit: { requests: 5, perMs: 500 } });
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 10 }, () => c.get<{ at: number }>('x')));
    const arrivals = answers.map((a) => a.body.at - started).sort((a, b) => a - b);
    // a lower bound only: a busy machine makes the sixth later, never earlier
    expect(arrivals[5]!).toBeGreaterThanOrEqual(400);
  });

  it('gets an OAuth2 client-credentials token once, reuses it, and fetches a new one after a 401', async () => {
    let issued = 0;
    let rejectNext = false;
    server.handle(async (req, res) => {
      if (req.url === '/oauth/token') {
        let body = '';
        for await (const chunk of req) body += String(chunk);
        expect(req.headers.authorization).toBe(`Basic ${Buffer.from('cid:csecret').toString('base64')}`);
        expect(new URLSearchParams(body).get('grant_type')).toBe('client_credentials');
        issued += 1;
        return json(res, 200, { access_token: `tok-${issued}`, token_type: 'Bearer', expires_in: 3600 });
      }
      if (rejectNext) {
        rejectNext = false;
        return json(res, 401, { error: 'expired' });
      }
      return json(res, 200, { auth: req.headers.authorization });
    });
    const c = client({
      auth: oauth2ClientCredentials({ tokenUrl: `${server.url}/oauth/token`, clientId: 'cid', clientSecret: 'csecret', outbound }),
    });
    for (let i = 0; i < 3; i++) expect((await c.get('me')).body).toEqual({ auth: 'Bearer tok-1' });
    expect(issued).toBe(1);
    rejectNext = true;
    await expect(c.get('me')).rejects.toMatchObject({ sourceStatus: 401 });
    expect((await c.get('me')).body).toEqual({ auth: 'Bearer tok-2' });
  });
});
