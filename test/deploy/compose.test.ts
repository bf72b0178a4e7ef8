import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serverEnvSchema } from '../../cli/src/env-server';
import {
  composeSchemaProblems,
  deploymentProblems,
  readYaml,
  SHARED_KEY_FILES,
  type ComposeFile,
  type PrometheusConfig,
} from './compose-rules';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCHEMA = `${ROOT}deploy/schema/compose-spec.json`;
const compose = readYaml<ComposeFile>(`${ROOT}docker-compose.yml`);
const prometheus = readYaml<PrometheusConfig>(`${ROOT}deploy/prometheus/prometheus.yml`);
// every service `dictamesh start` can run (`webhooks` is the old name of `adapters`)
const SERVICES = serverEnvSchema.shape.DICTAMESH_SERVICES.parse(undefined);
const EXPECTED = [...SERVICES];

/** A deep copy of the compose file to break. */
// (JSON, not structuredClone: YAML aliases share objects, which structuredClone would keep shared)
const copy = (): ComposeFile => JSON.parse(JSON.stringify(compose)) as ComposeFile;

describe('docker-compose.yml', () => {
  it('is valid against the vendored Compose Specification schema (draft 2020-12)', () => {
    expect(JSON.parse(readFileSync(SCHEMA, 'utf8')).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(composeSchemaProblems(SCHEMA, compose)).toEqual([]);
  });

  it('follows the deployment rules: a healthy container per service, shared keys, every service scraped', () => {
    expect(EXPECTED.sort()).toEqual(['adapters', 'billing', 'catalog', 'config', 'gateway', 'notifications']);
    expect(deploymentProblems(compose, prometheus, EXPECTED)).toEqual([]);
  });

  it('runs pgvector Postgres, Kafka in KRaft mode, Redis with a volume, Mailpit, the collector, Jaeger, Prometheus and Grafana', () => {
    const { services } = compose;
    expect(services.postgres?.image).toMatch(/^pgvector\/pgvector:/);
    expect(services.kafka?.image).toMatch(/^apache\/kafka:/);
    expect(services.kafka?.environment).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller' });
    expect(services.redis?.volumes).toEqual(['redis-data:/data']);
    for (const name of ['postgres', 'kafka', 'redis', 'mailpit', 'prometheus'])
      expect(services[name]?.healthcheck?.test, name).toBeDefined();
    expect(services.notifications?.environment).toMatchObject({ NOTIFICATIONS_SMTP_URL: 'smtp://mailpit:1025' });
    expect(services['otel-collector']?.volumes).toEqual(['./deploy/otel/collector.yaml:/etc/otelcol/collector.yaml:ro']);
    expect(services.grafana?.volumes).toEqual(
      expect.arrayContaining([
        './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
        './deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
    // nothing reaches outside: Grafana's reporting and checks, Mailpit's version check
    expect(services.grafana?.environment).toMatchObject({
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
      GF_NEWS_NEWS_FEED_ENABLED: 'false',
      GF_SNAPSHOTS_EXTERNAL_ENABLED: 'false',
    });
    expect(services.mailpit?.environment).toMatchObject({ MP_DISABLE_VERSION_CHECK: 'true' });
  });

  it('mounts configuration files that exist: collector, Prometheus with its alerts, Grafana provisioning pointing at the dashboards', () => {
    for (const file of [
      'deploy/otel/collector.yaml',
      'deploy/prometheus/alerts.yml',
      'deploy/grafana/provisioning/datasources/datasources.yml',
    ])
      expect(existsSync(`${ROOT}${file}`), file).toBe(true);
    const provider = readYaml<{ providers: Array<{ options: { path: string } }> }>(
      `${ROOT}deploy/grafana/provisioning/dashboards/dashboards.yml`,
    );
    expect(provider.providers.map((p) => p.options.path)).toEqual(['/var/lib/grafana/dashboards']);
    const datasources = readYaml<{ datasources: Array<{ uid: string; url: string }> }>(
      `${ROOT}deploy/grafana/provisioning/datasources/datasources.yml`,
    );
    expect(datasources.datasources.find((d) => d.uid === 'prometheus')?.url).toBe('http://prometheus:9090');
    expect(existsSync(`${ROOT}deploy/prometheus.yml`)).toBe(false); // moved to deploy/prometheus/
  });
});

describe('the checks fail on a broken compose file', () => {
  it('the schema refuses a misspelt key and a wrongly typed value', () => {
    const broken = copy();
    (broken.services.gateway as Record<string, unknown>).helthcheck = { test: ['CMD', 'true'] };
    (broken.services.redis as Record<string, unknown>).restart = 7;
    const problems = composeSchemaProblems(SCHEMA, broken);
    expect(problems).toEqual([
      '/services/gateway: must NOT have unevaluated properties {"unevaluatedProperty":"helthcheck"}',
      '/services/redis/restart: must be string {"type":"string"}',
    ]);
  });

  it('the rules name a service without health check, a dependency not awaited healthy, a key not shared, a missing target', () => {
    const broken = copy();
    delete broken.services.billing!.healthcheck;
    (broken.services.config!.depends_on as Record<string, { condition: string }>).postgres = { condition: 'service_started' };
    broken.services.notifications!.environment = {
      ...(broken.services.notifications!.environment as object),
      DICTAMESH_MASTER_KEY_FILE: '/run/secrets/other_key',
    };
    broken.services.catalog!.environment = { ...(broken.services.catalog!.environment as object), JWT_SECRET: 'in-plain-sight' };
    const withoutCatalog: PrometheusConfig = {
      ...prometheus,
      scrape_configs: prometheus.scrape_configs!.filter((job) => job.job_name !== 'catalog'),
    };
    expect(deploymentProblems(broken, withoutCatalog, EXPECTED)).toEqual([
      'catalog: JWT_SECRET in plain environment (use JWT_SECRET_FILE)',
      'billing: healthcheck must be ["CMD","node","cli/dist/healthcheck.js"] (/readyz of the service)',
      'config: depends_on postgres must use condition: service_healthy (it has a healthcheck)',
      'notifications: DICTAMESH_MASTER_KEY_FILE must be /run/secrets/<a secret the service mounts and the file declares>',
      'DICTAMESH_MASTER_KEY_FILE differs between DictaMesh services: /run/secrets/master_key | /run/secrets/other_key',
      'prometheus: no job "catalog" scraping catalog:4001',
    ]);
  });

  it('the rules name a missing service container, a wrong subgraph URL and a port published on every address', () => {
    const broken = copy();
    delete broken.services.config;
    broken.services.gateway!.environment = {
      ...(broken.services.gateway!.environment as object),
      BILLING_SUBGRAPH_URL: 'http://billing:4999/graphql',
    };
    broken.services.gateway!.ports = ['4000:4000'];
    expect(deploymentProblems(broken, prometheus, EXPECTED)).toEqual([
      'DictaMesh containers are [adapters, billing, catalog, gateway, notifications], expected one per service: [adapters, billing, catalog, config, gateway, notifications]',
      'gateway: BILLING_SUBGRAPH_URL is "http://billing:4999/graphql", expected http://billing:4004/graphql',
      'gateway: port "4000:4000" is published on every address (bind 127.0.0.1)',
    ]);
    expect(SHARED_KEY_FILES).toContain('DICTAMESH_MASTER_KEY_FILE');
  });
});
