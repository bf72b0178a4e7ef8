import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, gql, postWebhook, startTestStack, tempDataDir, type FullStack } from './harness/harness';

// The dashboards and alert rules name only metrics the running services register: every
// service of a started stack is scraped, and every metric an expression names must be among
// what they serve. The new webhook and adapter series are served where Prometheus scrapes them.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DASHBOARDS = join(ROOT, 'deploy/grafana/dashboards');
const dataDir = tempDataDir();
let stack: FullStack;
beforeAll(async () => {
  stack = await startTestStack(dataDir);
});
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** `/metrics` of one service, from any URL of it. */
const scrape = async (url: string) => {
  const response = await fetch(new URL('/metrics', url));
  expect(response.status, url).toBe(200);
  return response.text();
};

/** The sample names a Prometheus text exposition can carry: each `# TYPE` family with its histogram / summary series. */
function sampleNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: identifiers outside label matchers, strings,
 * ranges and grouping clauses that are not function calls or keywords.
 */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/(?<![A-Za-z0-9_:])\d[\d.]*(e[+-]?\d+)?/gi, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...stripped.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)]
    .filter(([, name, call]) => !call && !KEYWORDS.has(name!.toLowerCase()))
    .map(([, name]) => name!);
}

interface Panel {
  title: string;
  type: string;
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr: string; datasource?: { type: string; uid: string } }>;
}

/** Every expression of the dashboards and alert rules, with where it comes from. */
function expressions(): Array<{ where: string; expr: string }> {
  const found: Array<{ where: string; expr: string }> = [];
  for (const file of readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as { panels: Panel[] };
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource, `${file}: ${panel.title}`).toEqual({ type: 'prometheus', uid: 'prometheus' });
      expect(panel.targets?.length, `${file}: ${panel.title}`).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) found.push({ where: `${file}: ${panel.title}`, expr: target.expr });
    }
  }
  const rules = parse(readFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as {
    groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
  };
  for (const rule of rules.groups.flatMap((g) => g.rules)) found.push({ where: `alerts.yml: ${rule.alert}`, expr: rule.expr });
  return found;
}

describe('dashboards and alerts against the running services', () => {
  it('serve the webhook metrics on the webhook endpoint and the adapter metrics on the adapters subgraph', async () => {
    const accepted = await postWebhook(stack, readFileSync(join(FIXTURES, 'contact_created.json')));
    expect(accepted.status).toBe(202);
    const refused = await postWebhook(stack, 'not json', 'text/plain');
    expect(refused.status).toBe(415);
    const webhooks = await scrape(stack.urls.webhooks);
    expect(webhooks).toContain('dictamesh_webhook_deliveries_total{kind="chatwoot",result="accepted",code="none"} 1');
    expect(webhooks).toContain('dictamesh_webhook_deliveries_total{kind="chatwoot",result="rejected",code="UNSUPPORTED_MEDIA_TYPE"} 1');
    expect(webhooks).toContain(`dictamesh_webhook_events_accepted_total{kind="chatwoot"} ${(accepted.body.events as unknown[]).length}`);
    const adapters = await scrape(stack.urls.adapters);
    for (const family of [
      'healthy',
      'sync_duration_seconds',
      'records_synced_total',
      'last_successful_sync_timestamp_seconds',
      'source_errors_total',
    ])
      expect(adapters).toContain(`# TYPE dictamesh_adapter_${family} `);
  });

  it('name in every dashboard panel and alert rule only metrics the services register', async () => {
    // one operation, so that the gateway's labelled series exist besides their declarations
    expect((await gql(stack, '{ viewer { subject } }')).status).toBe(200);
    const registered = new Set<string>(['up']); // `up` is Prometheus's own, per scraped target
    for (const url of Object.values(stack.urls)) for (const name of sampleNames(await scrape(url))) registered.add(name);
    const all = expressions();
    expect(all.length).toBeGreaterThan(60);
    const unknown: string[] = [];
    for (const { where, expr } of all) {
      const names = metricNames(expr);
      if (names.length === 0) unknown.push(`${where}: names no metric: ${expr}`);
      for (const name of names) if (!registered.has(name)) unknown.push(`${where}: ${name}`);
    }
    expect(unknown).toEqual([]);
  });
});
