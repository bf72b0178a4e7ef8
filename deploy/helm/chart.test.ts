import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

// The Helm chart deploy/helm/dictamesh, checked with the real `helm` (lint --strict, which also
// validates values against values.schema.json, and template) and its rendered manifests parsed.

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CHART = join(REPO, 'deploy/helm/dictamesh');
const EVERYTHING = join(CHART, 'ci/everything-values.yaml');
const RELEASE = 'dictamesh'; // the release name holds the chart name: resources are `dictamesh-<component>`

/** Container port and port variable of each service (cli/src/env.ts). */
const SERVICES = {
  gateway: { port: 4000, variable: 'GATEWAY_PORT' },
  catalog: { port: 4001, variable: 'CATALOG_PORT' },
  adapters: { port: 4003, variable: 'ADAPTERS_PORT' },
  billing: { port: 4004, variable: 'BILLING_PORT' },
  config: { port: 4005, variable: 'CONFIG_PORT' },
  notifications: { port: 4006, variable: 'NOTIFICATIONS_PORT' },
} as const;
type ServiceName = keyof typeof SERVICES;
const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];
const SUBGRAPHS = SERVICE_NAMES.filter((name) => name !== 'gateway');

/** A rendered manifest, its spec loosely typed: the assertions name the fields they read. */
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
}
interface EnvVar {
  name: string;
  value?: string;
}

function helm(args: string[]): { status: number; stdout: string; stderr: string } {
  const run = spawnSync('helm', args, { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      'helm is not on PATH: install it with `go install helm.sh/helm/v3/cmd/helm@v3.19.0` and add `$(go env GOPATH)/bin` to PATH (.ci/run does both)',
    );
  }
  if (run.error) throw run.error;
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

function lint(...args: string[]) {
  return helm(['lint', '--strict', CHART, ...args]);
}

function render(...args: string[]): Manifest[] {
  const run = helm(['template', RELEASE, CHART, '--namespace', 'dm', ...args]);
  if (run.status !== 0) throw new Error(`helm template ${args.join(' ')} failed:\n${run.stderr}`);
  return parseAllDocuments(run.stdout)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

/**
 * The release notes (templates/NOTES.txt) as `helm install` would print them: `helm template`
 * leaves NOTES.txt out, so a copy of the chart renders it through `tpl` into a ConfigMap.
 */
function renderNotes(...args: string[]): string {
  const copy = mkdtempSync(join(tmpdir(), 'dictamesh-chart-'));
  try {
    cpSync(CHART, copy, { recursive: true });
    cpSync(join(CHART, 'templates/NOTES.txt'), join(copy, 'files/notes.txt'));
    const template =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: notes }\ndata:\n  notes: {{ tpl (.Files.Get "files/notes.txt") . | quote }}\n';
    writeFileSync(join(copy, 'templates/notes-under-test.yaml'), template);
    const run = helm(['template', RELEASE, copy, '--namespace', 'dm', '--show-only', 'templates/notes-under-test.yaml', ...args]);
    if (run.status !== 0) throw new Error(`rendering NOTES.txt failed:\n${run.stderr}`);
    return (parse(run.stdout) as { data: { notes: string } }).data.notes;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const named = (manifests: Manifest[], kind: string, name: string): Manifest => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in: ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
};
const ofKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);
const container = (deployment: Manifest) => deployment.spec.template.spec.containers[0];
const envOf = (deployment: Manifest): Record<string, string | undefined> =>
  Object.fromEntries((container(deployment).env as EnvVar[]).map((e) => [e.name, e.value]));
/** The keys of the Secret a pod mounts, and that Secret's name. */
const mountedKeys = (deployment: Manifest) => {
  const volume = deployment.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'secrets');
  return { secretName: volume.secret.secretName as string, keys: (volume.secret.items as { key: string }[]).map((i) => i.key) };
};

describe('helm chart deploy/helm/dictamesh', () => {
  it('runs helm 3', () => {
    expect(helm(['version', '--short']).stdout).toMatch(/^v3\./);
  });

  it('passes helm lint --strict with the default values and with every option on', () => {
    for (const args of [[], ['-f', EVERYTHING]]) {
      const run = lint(...args);
      expect(run.status, `helm lint --strict ${args.join(' ')}:\n${run.stdout}${run.stderr}`).toBe(0);
    }
  });

  describe('default values', () => {
    // rendered once, by the first test that needs it (each test fails on its own when helm is missing)
    let manifests: Manifest[] = [];
    let config: Record<string, string> = {};
    let secret: Manifest;
    beforeEach(() => {
      if (manifests.length > 0) return;
      manifests = render();
      config = named(manifests, 'ConfigMap', 'dictamesh').data!;
      secret = named(manifests, 'Secret', 'dictamesh');
    });

    it('renders one Deployment and one Service per service, probes on /healthz and /readyz on its port', () => {
      expect(ofKind(manifests, 'Deployment').map((d) => d.metadata.name)).toEqual(SERVICE_NAMES.map((name) => `dictamesh-${name}`));
      for (const name of SERVICE_NAMES) {
        const deployment = named(manifests, 'Deployment', `dictamesh-${name}`);
        const c = container(deployment);
        expect(c.image).toBe('dictamesh/dictamesh:0.1.0');
        expect(c.args).toEqual(['node', 'cli/dist/index.js', 'start']);
        expect(envOf(deployment).DICTAMESH_SERVICES).toBe(name);
        expect(envOf(deployment)[SERVICES[name].variable]).toBe(String(SERVICES[name].port));
        expect(c.ports[0]).toEqual({ name: 'http', containerPort: SERVICES[name].port, protocol: 'TCP' });
        expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
        expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(c.envFrom).toEqual([{ configMapRef: { name: 'dictamesh' } }]);

        const service = named(manifests, 'Service', `dictamesh-${name}`);
        expect(service.spec.ports).toEqual([{ name: 'http', port: SERVICES[name].port, targetPort: 'http', protocol: 'TCP' }]);
        expect(service.spec.selector).toEqual(
          Object.fromEntries(Object.entries(deployment.spec.selector.matchLabels as Record<string, string>)),
        );
        expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
        expect(service.spec.selector['app.kubernetes.io/component']).toBe(name);
      }
    });

    it('runs every pod as non-root on a read-only root filesystem, the data directory and /tmp on volumes', () => {
      expect(config.DICTAMESH_DATA_DIR).toBe('/data');
      const pods = [...ofKind(manifests, 'Deployment'), ...ofKind(manifests, 'Job')];
      expect(pods).toHaveLength(SERVICE_NAMES.length + 1);
      for (const pod of pods) {
        const spec = pod.spec.template.spec;
        expect(spec.securityContext, pod.metadata.name).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
        expect(spec.automountServiceAccountToken).toBe(false);
        expect(container(pod).securityContext, pod.metadata.name).toEqual({
          runAsNonRoot: true,
          runAsUser: 1000,
          runAsGroup: 1000,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        const mounts = Object.fromEntries(
          (container(pod).volumeMounts as { name: string; mountPath: string }[]).map((m) => [m.mountPath, m.name]),
        );
        expect(mounts).toMatchObject({ '/data': 'data', '/tmp': 'tmp', '/etc/dictamesh/secrets': 'secrets' });
        const data = spec.volumes.find((v: { name: string }) => v.name === 'data');
        expect(data.emptyDir).toEqual({ sizeLimit: '1Gi' });
      }
    });

    it('passes keys only as <NAME>_FILE of the mounted Secret, each service only the keys it reads', () => {
      const generated = ['SUBGRAPH_TOKEN_KEY', 'DICTAMESH_MASTER_KEY'];
      expect(Object.keys(secret.data!).sort()).toEqual(['DATABASE_URL', ...generated].sort());
      for (const key of generated) expect(Buffer.from(Buffer.from(secret.data![key]!, 'base64').toString(), 'base64')).toHaveLength(32);
      expect(Buffer.from(secret.data!.DATABASE_URL!, 'base64').toString()).toBe('postgresql://dictamesh@postgresql:5432/dictamesh');
      expect(secret.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });

      const expected: Record<ServiceName, string[]> = {
        gateway: ['SUBGRAPH_TOKEN_KEY', 'DATABASE_URL', 'DICTAMESH_MASTER_KEY'],
        catalog: ['DATABASE_URL', 'SUBGRAPH_TOKEN_KEY', 'DICTAMESH_MASTER_KEY'],
        adapters: ['DATABASE_URL', 'SUBGRAPH_TOKEN_KEY', 'DICTAMESH_MASTER_KEY'],
        billing: ['DATABASE_URL', 'SUBGRAPH_TOKEN_KEY', 'DICTAMESH_MASTER_KEY'],
        config: ['DATABASE_URL', 'SUBGRAPH_TOKEN_KEY', 'DICTAMESH_MASTER_KEY'],
        notifications: ['DATABASE_URL', 'SUBGRAPH_TOKEN_KEY', 'DICTAMESH_MASTER_KEY'],
      };
      for (const name of SERVICE_NAMES) {
        const deployment = named(manifests, 'Deployment', `dictamesh-${name}`);
        expect(mountedKeys(deployment)).toEqual({ secretName: 'dictamesh', keys: expected[name] });
        const env = envOf(deployment);
        for (const key of expected[name]) expect(env[`${key}_FILE`]).toBe(`/etc/dictamesh/secrets/${key}`);
        for (const key of [...Object.keys(secret.data!), 'JWT_SECRET', 'REDIS_URL']) expect(env, `${name} ${key}`).not.toHaveProperty(key);
        expect(Object.keys(env).filter((k) => k.endsWith('_FILE'))).toHaveLength(expected[name].length);
      }
      for (const key of Object.keys(secret.data!)) expect(config).not.toHaveProperty(key);
    });

    it('wires the services through *_SUBGRAPH_URL at their Services and mounts a supergraph config in sync with supergraph.yaml', () => {
      for (const name of SUBGRAPHS) {
        expect(config[`${name.toUpperCase()}_SUBGRAPH_URL`]).toBe(`http://dictamesh-${name}:${SERVICES[name].port}/graphql`);
      }
      expect(config).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', AUTH_MODE: 'required', KAFKA_BROKERS: 'kafka:9092' });

      const gateway = named(manifests, 'Deployment', 'dictamesh-gateway');
      expect(envOf(gateway).SUPERGRAPH_CONFIG).toBe('/etc/dictamesh/supergraph/supergraph.yaml');
      const mounted = parse(named(manifests, 'ConfigMap', 'dictamesh-supergraph').data!['supergraph.yaml']!) as {
        federation_version: string;
        subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
      };
      const repo = parse(readFileSync(join(REPO, 'supergraph.yaml'), 'utf8')) as typeof mounted;
      expect(mounted.federation_version).toBe(repo.federation_version);
      expect(Object.keys(mounted.subgraphs).sort()).toEqual(Object.keys(repo.subgraphs).sort());
      for (const [name, entry] of Object.entries(mounted.subgraphs)) {
        expect(entry.routing_url).toBe(config[`${name.toUpperCase()}_SUBGRAPH_URL`]);
        // the image's WORKDIR /app is the repository's root
        expect(entry.schema.file).toBe(`/app/schemas/subgraphs/${name}.graphql`);
        expect(existsSync(join(REPO, entry.schema.file.replace(/^\/app\//, '')))).toBe(true);
      }

      const adapters = named(manifests, 'Deployment', 'dictamesh-adapters');
      expect(envOf(adapters).WEBHOOK_PORT).toBe('4002');
      expect(container(adapters).ports[1]).toEqual({ name: 'webhooks', containerPort: 4002, protocol: 'TCP' });
      const webhooks = named(manifests, 'Service', 'dictamesh-webhooks');
      expect(webhooks.spec.selector['app.kubernetes.io/component']).toBe('adapters');
      expect(webhooks.spec.ports).toEqual([{ name: 'webhooks', port: 4002, targetPort: 'webhooks', protocol: 'TCP' }]);
    });

    it('autoscales the gateway and the catalog, and gives every service a PodDisruptionBudget', () => {
      const hpas = ofKind(manifests, 'HorizontalPodAutoscaler');
      expect(hpas.map((h) => h.spec.scaleTargetRef)).toEqual([
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'dictamesh-gateway' },
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'dictamesh-catalog' },
      ]);
      expect(hpas[0]!.apiVersion).toBe('autoscaling/v2');
      // an autoscaled Deployment leaves its replica count to the HPA
      expect(named(manifests, 'Deployment', 'dictamesh-gateway').spec).not.toHaveProperty('replicas');
      expect(named(manifests, 'Deployment', 'dictamesh-billing').spec.replicas).toBe(1);
      expect(ofKind(manifests, 'PodDisruptionBudget').map((p) => [p.metadata.name, p.spec.maxUnavailable])).toEqual(
        SERVICE_NAMES.map((name) => [`dictamesh-${name}`, 1]),
      );
    });

    it('migrates in a pre-install / pre-upgrade hook Job and renders no ServiceMonitor, Ingress or claim', () => {
      const job = named(manifests, 'Job', 'dictamesh-migrations');
      expect(job.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade' });
      expect(container(job).args).toEqual(['node', 'cli/dist/index.js', 'migrate']);
      expect(envOf(job).DATABASE_URL_FILE).toBe('/etc/dictamesh/secrets/DATABASE_URL');
      // pre-install hooks run before the release's Secret exists: the Job reads its own hook Secret
      expect(mountedKeys(job)).toEqual({ secretName: 'dictamesh-migrations', keys: ['DATABASE_URL'] });
      const hookSecret = named(manifests, 'Secret', 'dictamesh-migrations');
      expect(Number(hookSecret.metadata.annotations!['helm.sh/hook-weight'])).toBeLessThan(
        Number(job.metadata.annotations!['helm.sh/hook-weight']),
      );
      expect(hookSecret.data!.DATABASE_URL).toBe(secret.data!.DATABASE_URL);
      for (const kind of ['ServiceMonitor', 'Ingress', 'PersistentVolumeClaim']) expect(ofKind(manifests, kind)).toEqual([]);
    });
  });

  describe('every option on (ci/everything-values.yaml)', () => {
    let manifests: Manifest[] = [];
    beforeEach(() => {
      if (manifests.length === 0) manifests = render('-f', EVERYTHING);
    });

    it('reads the keys from the existing Secret, each service only those it reads', () => {
      expect(ofKind(manifests, 'Secret')).toEqual([]);
      const keys = (name: ServiceName) => mountedKeys(named(manifests, 'Deployment', `dictamesh-${name}`));
      expect(keys('gateway')).toEqual({
        secretName: 'dictamesh-keys',
        keys: ['SUBGRAPH_TOKEN_KEY', 'JWT_SECRET', 'REDIS_URL', 'DATABASE_URL', 'DICTAMESH_MASTER_KEY'],
      });
      expect(keys('catalog').keys).toEqual(['DATABASE_URL', 'SUBGRAPH_TOKEN_KEY', 'DICTAMESH_MASTER_KEY']);
      expect(keys('billing').keys).toEqual([
        'DATABASE_URL',
        'SUBGRAPH_TOKEN_KEY',
        'DICTAMESH_MASTER_KEY',
        'STRIPE_SECRET_KEY',
        'STRIPE_WEBHOOK_SECRET',
      ]);
      expect(keys('notifications').keys).toEqual(['DATABASE_URL', 'SUBGRAPH_TOKEN_KEY', 'DICTAMESH_MASTER_KEY', 'NOTIFICATIONS_SMTP_URL']);
      const gatewayEnv = envOf(named(manifests, 'Deployment', 'dictamesh-gateway'));
      expect(gatewayEnv).toMatchObject({
        JWT_SECRET_FILE: '/etc/dictamesh/secrets/JWT_SECRET',
        REDIS_URL_FILE: '/etc/dictamesh/secrets/REDIS_URL',
      });
      expect(gatewayEnv.GATEWAY_DEMAND_CONTROL).toBe('measure');
      expect(mountedKeys(named(manifests, 'Job', 'dictamesh-migrations'))).toEqual({
        secretName: 'dictamesh-keys',
        keys: ['DATABASE_URL'],
      });
      const config = named(manifests, 'ConfigMap', 'dictamesh').data!;
      expect(config).toMatchObject({
        JWT_ISSUER: 'https://id.example.com/',
        JWT_AUDIENCE: 'dictamesh',
        KAFKA_BROKERS: 'kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092',
        KAFKA_REPLICATION_FACTOR: '3',
        GATEWAY_MAX_COST: '5000',
        BILLING_PUBLIC_URL: 'https://billing.example.com',
      });
    });

    it('renders a ServiceMonitor scraping /metrics of every service and of the webhook endpoint, the Ingress, the claim and the HPA memory target', () => {
      const [monitor, ...others] = ofKind(manifests, 'ServiceMonitor');
      expect(others).toEqual([]);
      expect(monitor!.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(monitor!.metadata.labels).toMatchObject({ release: 'prometheus' });
      expect(monitor!.spec.selector.matchExpressions).toEqual([
        { key: 'app.kubernetes.io/component', operator: 'In', values: [...SERVICE_NAMES, 'webhooks'] },
      ]);
      expect(monitor!.spec.endpoints).toEqual([
        { port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
        { port: 'webhooks', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
      ]);

      const ingress = named(manifests, 'Ingress', 'dictamesh');
      expect(ingress.spec.ingressClassName).toBe('nginx');
      expect(ingress.spec.rules).toEqual([
        {
          host: 'dictamesh.example.com',
          http: {
            paths: [
              { path: '/webhooks', pathType: 'Prefix', backend: { service: { name: 'dictamesh-webhooks', port: { name: 'webhooks' } } } },
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'dictamesh-gateway', port: { name: 'http' } } } },
            ],
          },
        },
      ]);

      const claim = named(manifests, 'PersistentVolumeClaim', 'dictamesh-data');
      expect(claim.spec).toMatchObject({
        accessModes: ['ReadWriteMany'],
        storageClassName: 'nfs',
        resources: { requests: { storage: '5Gi' } },
      });
      for (const deployment of ofKind(manifests, 'Deployment')) {
        const data = deployment.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'data');
        expect(data).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'dictamesh-data' } });
        expect(deployment.spec.template.spec.serviceAccountName).toBe('dictamesh-runner');
        expect(container(deployment).image).toBe('registry.example.com/dictamesh:0.1.0-test');
      }
      expect(ofKind(manifests, 'ServiceAccount')).toEqual([]);
      const gatewayHpa = named(manifests, 'HorizontalPodAutoscaler', 'dictamesh-gateway');
      expect(gatewayHpa.spec.metrics.map((m: { resource: { name: string } }) => m.resource.name)).toEqual(['cpu', 'memory']);
      expect(named(manifests, 'PodDisruptionBudget', 'dictamesh-catalog').spec).toMatchObject({ minAvailable: 1 });
    });
  });

  it('keeps the subgraphs to the release and metrics peers with NetworkPolicies, the gateway and webhooks open', () => {
    const manifests = render('-f', EVERYTHING);
    const policies = ofKind(manifests, 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name)).toEqual(SERVICE_NAMES.map((name) => `dictamesh-${name}`));
    const release = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'dictamesh', 'app.kubernetes.io/instance': 'dictamesh' } } };
    const monitoring = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };
    for (const policy of policies) {
      const name = policy.metadata.name.replace('dictamesh-', '');
      expect(policy.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe(name);
      expect(policy.spec.policyTypes).toEqual(['Ingress']);
      const open = { ports: [{ port: 'http' }] };
      const internal = { ports: [{ port: 'http' }], from: [release, monitoring] };
      const expected = name === 'gateway' ? [open] : name === 'adapters' ? [internal, { ports: [{ port: 'webhooks' }] }] : [internal];
      expect(policy.spec.ingress, name).toEqual(expected);
    }
    expect(ofKind(render(), 'NetworkPolicy')).toEqual([]);
  });

  it('renders nothing of a disabled service, and the gateway composes without it', () => {
    const manifests = render('--set', 'services.billing.enabled=false', '--set', 'metrics.serviceMonitor.enabled=true');
    expect(manifests.filter((m) => m.metadata.name.includes('billing')).map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([]);
    const config = named(manifests, 'ConfigMap', 'dictamesh').data!;
    expect(config).not.toHaveProperty('BILLING_SUBGRAPH_URL');
    expect(config).toHaveProperty('CATALOG_SUBGRAPH_URL');
    const supergraph = parse(named(manifests, 'ConfigMap', 'dictamesh-supergraph').data!['supergraph.yaml']!) as { subgraphs: object };
    expect(Object.keys(supergraph.subgraphs)).toEqual(['catalog', 'adapters', 'config', 'notifications']);
    expect(ofKind(manifests, 'ServiceMonitor')[0]!.spec.selector.matchExpressions[0].values).toEqual([
      'gateway',
      'catalog',
      'adapters',
      'config',
      'notifications',
      'webhooks',
    ]);
    expect(ofKind(manifests, 'Deployment')).toHaveLength(5);
  });

  it('prints the first admin credential step and the key warnings in the release notes', () => {
    const firstKey =
      'kubectl -n dm exec deploy/dictamesh-catalog -- \\\n    node cli/dist/index.js apikey create --org <org> --scopes dictamesh:admin';
    const generated = 'SUBGRAPH_TOKEN_KEY / DICTAMESH_MASTER_KEY were generated';
    const noRedis = 'several gateway replicas without Redis';
    const defaults = renderNotes();
    expect(defaults).toContain(firstKey);
    expect(defaults).toContain('kubectl -n dm port-forward svc/dictamesh-gateway 4000:4000');
    expect(defaults).toContain(generated);
    expect(defaults).toContain(noRedis);
    const everything = renderNotes('-f', EVERYTHING);
    expect(everything).toContain(firstKey);
    expect(everything).toContain('https://dictamesh.example.com/graphql');
    expect(everything).not.toContain(generated);
    expect(everything).not.toContain(noRedis);
  });

  it('refuses values outside the schema and contradictory ones, naming the problem', () => {
    const port = lint('--set', 'services.gateway.port=70000');
    expect(port.status).toBe(1);
    expect(`${port.stdout}${port.stderr}`).toMatch(/services\/gateway\/port|services\.gateway\.port/);
    const secret = lint('--set', 'secrets.other.DATABASE_PASSWORD=x');
    expect(secret.status).toBe(1);
    expect(`${secret.stdout}${secret.stderr}`).toContain('DATABASE_PASSWORD');
    const jwt = helm(['template', RELEASE, CHART, '--set', 'secrets.jwtSecret=0123456789abcdef0123456789abcdef']);
    expect(jwt.status).toBe(1);
    expect(jwt.stderr).toContain('settings.jwtIssuer and settings.jwtAudience are required');
    const webhooks = helm(['template', RELEASE, CHART, '--set', 'services.adapters.enabled=false']);
    expect(webhooks.status).toBe(1);
    expect(webhooks.stderr).toContain('webhooks.enabled needs services.adapters.enabled');
  });
});
