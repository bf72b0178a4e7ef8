import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startLocalServer, type LocalServer } from '../../../test/local-server';
import type { GatewayService } from '../service';
import { gatewayOver } from '../../test/gateway-over';

// Debian's chromium, headless, against the gateway on loopback (ENVIRONMENT.md: the test tool's own browser download is not available)
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let catalog: LocalServer;
let gateway: GatewayService;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  catalog = await startLocalServer();
  catalog.handle((_req, res) => json(res, 200, { data: { entity: { urn: 'dictamesh:demo:thing:1', displayName: 'Demo thing' } } }));
  gateway = await gatewayOver(`${catalog.url}/graphql`, { introspection: true });
  await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  origin = `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await catalog?.close();
});

describe('offline GraphQL IDE', () => {
  it('loads in Chromium from this origin only and runs a query through the gateway', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('pageerror', (error) => problems.push(error.message));
    const response = await page.goto(`${origin}/ide`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: 20_000 });
    // in-page code as strings (this project's TypeScript has no DOM types); CodeMirror 5 keeps its API on the editor element
    await page.evaluate(
      `document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue('{ entity(urn: "dictamesh:demo:thing:1") { urn displayName } }')`,
    );
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(`document.querySelector('.graphiql-response')?.textContent?.includes('Demo thing')`, undefined, {
      timeout: 20_000,
    });
    expect(catalog.requests.some((r) => r.method === 'POST')).toBe(true);
    expect(requested.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('is not served when introspection is off', async () => {
    const closed = await gatewayOver(`${catalog.url}/graphql`);
    expect((await closed.app.inject({ method: 'GET', url: '/ide' })).statusCode).toBe(404);
    await closed.close();
  });
});
