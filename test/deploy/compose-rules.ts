import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { serverEnvSchema } from '../../cli/src/env-server';
import { readinessTargets } from '../../cli/src/health/readiness';

/** The parts of a compose service the rules read. */
interface ComposeService {
  image?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  secrets?: Array<string | { source: string }>;
  ports?: Array<string | { host_ip?: string; published?: string | number }>;
  volumes?: Array<string | { source?: string; target?: string }>;
}

/** A parsed compose file (what the rules read of it). */
export interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file?: string }>;
  [key: string]: unknown;
}

/** The Prometheus configuration (what the rules read of it). */
export interface PrometheusConfig {
  rule_files?: string[];
  scrape_configs?: Array<{ job_name: string; metrics_path?: string; static_configs?: Array<{ targets: string[] }> }>;
}

/** Reads a YAML file with YAML 1.1 merge keys (`<<: *anchor`), as Docker Compose does. */
export function readYaml<T>(path: string): T {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as T;
}

/**
 * Validates a compose document against the vendored Compose Specification schema (draft
 * 2020-12, so ajv's 2020 class; `strict: false` because the schema omits `type: object` beside
 * `properties`, which ajv's strict mode refuses).
 * @returns `path: message` per violation, none when valid
 */
export function composeSchemaProblems(schemaPath: string, compose: unknown): string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  if (validate(compose)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
  );
}

/** A service's environment as a map (compose accepts a list of `KEY=value` too). */
function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env) ? env.map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]) : Object.entries(env);
  return Object.fromEntries(entries.map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

/** The secrets, variables shared by every DictaMesh service and passed as files. */
export const SHARED_KEY_FILES = ['DATABASE_URL_FILE', 'SUBGRAPH_TOKEN_KEY_FILE', 'DICTAMESH_MASTER_KEY_FILE'] as const;
/** Variables every DictaMesh service must have, with one value for all. */
const SHARED_VARIABLES = [...SHARED_KEY_FILES, 'KAFKA_BROKERS', 'REDIS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'NODE_ENV'] as const;
/** Secrets that must never sit in a compose file's plain environment. */
const PLAIN_SECRETS = ['DATABASE_URL', 'SUBGRAPH_TOKEN_KEY', 'DICTAMESH_MASTER_KEY', 'DICTAMESH_SECRET_KEY', 'JWT_SECRET'];
/** The health check of the image (cli/src/healthcheck.ts: /readyz of the container's services). */
export const DICTAMESH_HEALTHCHECK = ['CMD', 'node', 'cli/dist/healthcheck.js'];

/**
 * The rules of DictaMesh's compose deployment, beyond the schema:
 * - one container per service of `DICTAMESH_SERVICES` (each named like the service it runs), every one of them;
 * - each has the image's health check (/readyz of its service) and depends on what it uses with
 *   `condition: service_healthy` whenever that dependency has a health check;
 * - the gateway waits for every other DictaMesh service, and each `<NAME>_SUBGRAPH_URL` points at
 *   the container running that subgraph, on its port;
 * - the keys are shared: the same `<NAME>_FILE` in every service, a `/run/secrets/<secret>` the
 *   service mounts and the file declares; no key in plain environment; Kafka, Redis, the collector alike;
 * - Prometheus scrapes every DictaMesh service on its port (job = service name) and loads alerts.yml;
 * - published ports listen on 127.0.0.1 only.
 * @param compose the parsed docker-compose.yml
 * @param prometheus the parsed deploy/prometheus/prometheus.yml
 * @param expectedServices every `DICTAMESH_SERVICES` value a deployment runs (the CLI's list)
 * @returns one line per broken rule, none when all hold
 */
export function deploymentProblems(compose: ComposeFile, prometheus: PrometheusConfig, expectedServices: readonly string[]): string[] {
  const problems: string[] = [];
  const services = compose.services ?? {};
  const dictamesh = Object.entries(services).filter(([, s]) => environmentOf(s).DICTAMESH_SERVICES !== undefined);
  const names = dictamesh.map(([name]) => name).sort();
  if (JSON.stringify(names) !== JSON.stringify([...expectedServices].sort()))
    problems.push(`DictaMesh containers are [${names.join(', ')}], expected one per service: [${[...expectedServices].sort().join(', ')}]`);

  const ports = new Map<string, number>();
  const shared = new Map<string, Set<string>>();
  for (const [name, service] of dictamesh) {
    const env = environmentOf(service);
    if (env.DICTAMESH_SERVICES !== name) problems.push(`${name}: DICTAMESH_SERVICES is "${env.DICTAMESH_SERVICES}", expected "${name}"`);
    const parsed = serverEnvSchema.safeParse(env);
    const target = parsed.success ? readinessTargets(parsed.data)[0] : undefined;
    if (!target) problems.push(`${name}: DICTAMESH_SERVICES or its port variables are invalid`);
    else ports.set(name, Number(new URL(target.url).port));

    if (JSON.stringify(service.healthcheck?.test) !== JSON.stringify(DICTAMESH_HEALTHCHECK) || service.healthcheck?.disable)
      problems.push(`${name}: healthcheck must be ${JSON.stringify(DICTAMESH_HEALTHCHECK)} (/readyz of the service)`);
    const depends = service.depends_on;
    // the short form (a list) means `condition: service_started`
    const dependencies: Record<string, { condition?: string }> = Array.isArray(depends)
      ? Object.fromEntries(depends.map((d) => [d, { condition: 'service_started' }]))
      : (depends ?? {});
    for (const needed of ['postgres', 'kafka', 'redis']) if (!dependencies[needed]) problems.push(`${name}: depends_on lacks ${needed}`);
    for (const [dependency, { condition }] of Object.entries(dependencies)) {
      if (services[dependency]?.healthcheck && condition !== 'service_healthy')
        problems.push(`${name}: depends_on ${dependency} must use condition: service_healthy (it has a healthcheck)`);
    }
    if (name === 'gateway') {
      for (const other of names.filter((n) => n !== 'gateway'))
        if (dependencies[other]?.condition !== 'service_healthy') problems.push(`gateway: depends_on lacks ${other} (service_healthy)`);
    }

    for (const variable of SHARED_VARIABLES) {
      if (!env[variable]) problems.push(`${name}: ${variable} is not set`);
      else (shared.get(variable) ?? shared.set(variable, new Set()).get(variable)!).add(env[variable]);
    }
    for (const variable of PLAIN_SECRETS)
      if (env[variable]) problems.push(`${name}: ${variable} in plain environment (use ${variable}_FILE)`);
    const mounted = new Set((service.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source)));
    for (const variable of SHARED_KEY_FILES) {
      const secret = /^\/run\/secrets\/([^/]+)$/.exec(env[variable] ?? '')?.[1];
      if (!secret || !mounted.has(secret) || !compose.secrets?.[secret]?.file)
        problems.push(`${name}: ${variable} must be /run/secrets/<a secret the service mounts and the file declares>`);
    }
  }
  for (const [variable, values] of shared)
    if (values.size > 1) problems.push(`${variable} differs between DictaMesh services: ${[...values].join(' | ')}`);

  // the gateway reaches each subgraph in the container that runs it
  const gatewayEnv = services.gateway ? environmentOf(services.gateway) : {};
  for (const other of names.filter((n) => n !== 'gateway')) {
    const variable = `${other.toUpperCase()}_SUBGRAPH_URL`;
    const expected = `http://${other}:${ports.get(other)}/graphql`;
    if (gatewayEnv[variable] !== expected) problems.push(`gateway: ${variable} is "${gatewayEnv[variable] ?? ''}", expected ${expected}`);
  }

  const targets = new Map<string, string>();
  for (const job of prometheus.scrape_configs ?? [])
    for (const target of job.static_configs?.flatMap((c) => c.targets) ?? []) targets.set(target, job.job_name);
  for (const name of names) {
    const target = `${name}:${ports.get(name)}`;
    if (targets.get(target) !== name) problems.push(`prometheus: no job "${name}" scraping ${target}`);
  }
  if (!prometheus.rule_files?.includes('alerts.yml')) problems.push('prometheus: rule_files must include alerts.yml');

  for (const [name, service] of Object.entries(services)) {
    for (const port of service.ports ?? []) {
      const hostIp = typeof port === 'string' ? (/^(\d+\.\d+\.\d+\.\d+):/.exec(port)?.[1] ?? '') : (port.host_ip ?? '');
      if (hostIp !== '127.0.0.1') problems.push(`${name}: port ${JSON.stringify(port)} is published on every address (bind 127.0.0.1)`);
    }
  }
  return problems;
}
