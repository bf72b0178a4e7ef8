// Feature flag evaluations per second in the OpenFeature provider (@dictamesh/openfeature-provider),
// in process, no network (the flags are given to the provider directly, as it holds them after a fetch):
//
//   npm run bench:feature-flags -- [--evaluations 100000]
//
// Three flags, each evaluated `evaluations` times for distinct subjects, through the standard
// OpenFeature API (`client.getBooleanValue` / `getStringDetails`) and directly through the
// provider's synchronous `resolve` (what the API adds on top: hooks, context merging, promises):
// 1. boolean simple: an enabled boolean flag without rules (STATIC);
// 2. rollout rule with constraints: IN + STR_ENDS_WITH + SEMVER_GT on the context, then a 25 %
//    Unleash flexible rollout (murmur3 hash of groupId:userId);
// 3. variants: a string flag whose 30 % rollout rule splits 4 weighted variants.
// Checks (exit 1 when wrong): the share of subjects enabled by the rollout (25 % ± 2) and each
// variant's share (± 2 points of its weight). Figures to stdout and bench/out/feature-flags.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DictaMeshFlagProvider } from '@dictamesh/openfeature-provider';
import { OpenFeature } from '@openfeature/server-sdk';

const { values } = parseArgs({ options: { evaluations: { type: 'string', default: '100000' } } });
const evaluations = Number(values.evaluations);

const provider = new DictaMeshFlagProvider({
  flags: {
    'simple.on': { type: 'boolean', enabled: true, defaultValue: true, rules: [] },
    'checkout.rollout': {
      type: 'boolean',
      enabled: true,
      defaultValue: false,
      rules: [
        {
          name: 'eu pro users on recent apps, 25 %',
          constraints: [
            { contextName: 'country', operator: 'IN', values: ['FR', 'DE', 'NL', 'ES'] },
            { contextName: 'email', operator: 'STR_ENDS_WITH', values: ['@example.com'], caseInsensitive: true },
            { contextName: 'appVersion', operator: 'SEMVER_GT', value: '2.3.0' },
          ],
          rollout: 25,
          stickiness: 'userId',
        },
      ],
    },
    'ui.colour': {
      type: 'string',
      enabled: true,
      defaultValue: 'grey',
      rules: [
        {
          rollout: 30,
          variants: [
            { name: 'blue', value: 'blue', weight: 50 },
            { name: 'red', value: 'red', weight: 25 },
            { name: 'green', value: 'green', weight: 15 },
            { name: 'yellow', value: 'yellow', weight: 10 },
          ],
        },
      ],
    },
  },
});
await OpenFeature.setProviderAndWait(provider);
const client = OpenFeature.getClient();
const context = (i: number) => ({ targetingKey: `user-${i}`, country: 'FR', email: `u${i}@Example.com`, appVersion: '2.4.1' });
const contexts = Array.from({ length: evaluations }, (_, i) => context(i));

/** Wall-clock and CPU rates (the CPU one holds on a loaded machine, where wall time includes waiting for a core). */
interface Figure {
  evaluations: number;
  ms: number;
  evaluationsPerSecond: number;
  cpuMs: number;
  evaluationsPerCpuSecond: number;
}
function figure(ms: number, cpu: NodeJS.CpuUsage): Figure {
  const cpuMs = (cpu.user + cpu.system) / 1_000;
  return {
    evaluations,
    ms: Math.round(ms),
    evaluationsPerSecond: Math.round((evaluations / ms) * 1_000),
    cpuMs: Math.round(cpuMs),
    evaluationsPerCpuSecond: Math.round((evaluations / cpuMs) * 1_000),
  };
}

async function timeApi(run: (i: number) => Promise<unknown>): Promise<Figure> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < evaluations; i++) await run(i);
  return figure(performance.now() - t0, process.cpuUsage(cpu));
}
function timeDirect(run: (i: number) => unknown): Figure {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < evaluations; i++) run(i);
  return figure(performance.now() - t0, process.cpuUsage(cpu));
}

// warm-up (JIT), then the measured runs
for (let i = 0; i < 5_000; i++) {
  await client.getBooleanValue('checkout.rollout', false, contexts[i % evaluations]!);
  provider.resolve('ui.colour', 'none', contexts[i % evaluations]!, 'string');
}

let enabled = 0;
const variants: Record<string, number> = {};
const result = {
  evaluations,
  loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  booleanSimple: {
    openFeatureApi: await timeApi((i) => client.getBooleanValue('simple.on', false, contexts[i]!)),
    providerDirect: timeDirect((i) => provider.resolve('simple.on', false, contexts[i]!, 'boolean')),
  },
  rolloutWithConstraints: {
    openFeatureApi: await timeApi(async (i) => {
      if (await client.getBooleanValue('checkout.rollout', false, contexts[i]!)) enabled++;
    }),
    providerDirect: timeDirect((i) => provider.resolve('checkout.rollout', false, contexts[i]!, 'boolean')),
  },
  variants: {
    openFeatureApi: await timeApi(async (i) => {
      const details = await client.getStringDetails('ui.colour', 'none', contexts[i]!);
      if (details.variant) variants[details.variant] = (variants[details.variant] ?? 0) + 1;
    }),
    providerDirect: timeDirect((i) => provider.resolve('ui.colour', 'none', contexts[i]!, 'string')),
  },
  rolloutShare: Math.round((enabled / evaluations) * 10_000) / 100,
  variantShares: Object.fromEntries(Object.entries(variants).map(([name, n]) => [name, Math.round((n / evaluations) * 10_000) / 100])),
};
await OpenFeature.close();

console.log(JSON.stringify(result, null, 2));
mkdirSync(new URL('out/', import.meta.url), { recursive: true });
writeFileSync(new URL('out/feature-flags.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);

const expectedShares = { blue: 15, red: 7.5, green: 4.5, yellow: 3 };
const wrong = [
  ...(Math.abs(result.rolloutShare - 25) > 2 ? [`rollout share ${result.rolloutShare} % (expected 25 ± 2)`] : []),
  ...Object.entries(expectedShares)
    .filter(([name, share]) => Math.abs((result.variantShares[name] ?? 0) - share) > 2)
    .map(([name, share]) => `variant ${name} share ${result.variantShares[name] ?? 0} % (expected ${share} ± 2)`),
];
if (wrong.length) {
  console.error(wrong.join('\n'));
  process.exit(1);
}
