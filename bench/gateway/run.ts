// The federation gateway benchmark: DictaMesh's gateway (every plugin on) against bare
// @apollo/gateway and Hive Gateway, on the same supergraph and the same four subgraphs
// (accounts, inventory, products, reviews), the public benchmark's nested query
// (users → reviews → product → reviews → author → reviews → product, plus topProducts).
//
//   npm run bench:gateway -- [--duration 30] [--warmup 5] [--connections 50] [--only dictamesh,apollo,hive[,dictamesh-nodedup]]
//                            [--node-options=--max-semi-space-size=64]   (Node flags, space-separated, for every gateway alike)
//
// Kinds: dictamesh, apollo, hive (all three by default), and dictamesh-nodedup: DictaMesh with
// `GATEWAY_DEDUPLICATE_FETCHES=false` (its fetcher and plan cache without sharing identical
// in-flight subgraph fetches).
//
// Processes: subgraphs (one), the gateway under test (one at a time), and this one generating
// load with autocannon over loopback. Per gateway: requests/s, latency p50/p95/p99 (every
// response recorded in an HDR histogram), peak RSS of the gateway process, subgraph requests
// per client request, errors. Figures go to stdout and bench/out/gateway.json.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';
import { composeSdl } from '@dictamesh/gateway';
import { QUERY, SDL } from './subgraphs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string', default: 'dictamesh,apollo,hive' },
    'node-options': { type: 'string', default: '' },
  },
});
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
const kinds = values.only.split(',');
const nodeOptions = values['node-options'].split(' ').filter(Boolean);
const out = fileURLToPath(new URL('../out/', import.meta.url));
const sdlFolder = `${out}gateway-subgraphs/`;
mkdirSync(sdlFolder, { recursive: true });

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const node = (args: string[], env: Record<string, string> = {}, options: string[] = []) =>
  spawn(process.execPath, [...options, '--conditions=@dictamesh/source', '--import', 'tsx', ...args], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
const firstLine = (child: ChildProcess) =>
  new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`process exited (${code}) before it was ready`)));
  });
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
/** CPU time (user + system) a process has used so far, ms (Linux: /proc/PID/stat, 100 ticks a second). */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

const subgraphs = node([here('./subgraphs.ts'), '4201']);
const children: ChildProcess[] = [subgraphs];
// never leave a subgraph or gateway process behind, whatever happens
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));
process.on('uncaughtException', (error) => {
  console.error(error);
  process.exit(1);
});
const urls = JSON.parse(await firstLine(subgraphs)) as Record<string, string>;
for (const [name, sdl] of Object.entries(SDL)) writeFileSync(`${sdlFolder}${name}.graphql`, sdl);
const supergraphFile = `${out}gateway-supergraph.graphql`;
writeFileSync(supergraphFile, composeSdl(Object.entries(SDL).map(([name, sdl]) => ({ name, url: urls[name]!, sdl }))));
const served = async () => ((await (await fetch(urls.accounts!.replace('/graphql', '/__count'))).json()) as { served: number }).served;
const body = JSON.stringify({ query: QUERY, operationName: 'TestQuery' });

const load = (url: string, seconds: number, histogram?: hdr.Histogram) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: seconds },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (histogram) instance.on('response', (_client, _status, _bytes, ms) => histogram.recordValue(Math.round(ms * 1_000)));
  });

const results: Record<string, unknown> = {};
let reference: string | undefined;
/** Gateway process kind and extra environment of each benchmark variant. */
const VARIANTS: Record<string, { process: string; env?: Record<string, string> }> = {
  dictamesh: { process: 'dictamesh' },
  'dictamesh-nodedup': { process: 'dictamesh', env: { GATEWAY_DEDUPLICATE_FETCHES: 'false' } },
  apollo: { process: 'apollo' },
  hive: { process: 'hive' },
};
/** Stops a gateway process: SIGTERM, then SIGKILL if it is still there after 5 s. */
const stop = async (child: ChildProcess) => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
};
for (const [index, kind] of kinds.entries()) {
  const variant = VARIANTS[kind];
  if (!variant) throw new Error(`unknown gateway ${kind} (known: ${Object.keys(VARIANTS).join(', ')})`);
  const port = 4301 + index;
  const gateway = node(
    [here('./gateway-process.ts'), variant.process, String(port), supergraphFile, sdlFolder],
    {
      SUBGRAPH_URLS: JSON.stringify(urls),
      ...variant.env,
    },
    nodeOptions,
  );
  children.push(gateway);
  await firstLine(gateway);
  const url = `http://127.0.0.1:${port}/graphql`;
  // the same answer from every gateway, or the comparison means nothing
  const first = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const answer = (await first.json()) as { data?: unknown; errors?: unknown };
  if (answer.errors || !answer.data) throw new Error(`${kind} answered ${JSON.stringify(answer).slice(0, 500)}`);
  const data = JSON.stringify(answer.data);
  if (reference !== undefined && data !== reference) throw new Error(`${kind} answered differently from ${kinds[0]}`);
  reference ??= data;

  await load(url, warmup);
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(gateway.pid!))), 250);
  const before = await served();
  const cpuBefore = cpuMs(gateway.pid!);
  const result = await load(url, duration, histogram);
  const cpuUsed = cpuMs(gateway.pid!) - cpuBefore;
  const subgraphRequests = (await served()) - before;
  clearInterval(sampler);
  await stop(gateway);
  const ms = (percentile: number) => Math.round(histogram.getValueAtPercentile(percentile) / 10) / 100;
  results[kind] = {
    requestsPerSecond: Math.round(result.requests.average),
    requests: result.requests.total,
    latencyMs: { p50: ms(50), p95: ms(95), p99: ms(99) },
    peakRssMb: Math.round(peakRss),
    subgraphRequestsPerRequest: Math.round((subgraphRequests / Math.max(1, result.requests.total)) * 100) / 100,
    // the gateway's own CPU per answered request: steadier than requests/s when the machine is shared
    cpuMsPerRequest: Math.round((cpuUsed / Math.max(1, result.requests.total)) * 100) / 100,
    errors: result.errors + result.non2xx,
  };
  console.log(kind, JSON.stringify(results[kind]));
}
subgraphs.kill('SIGTERM');

const summary = { connections, durationSeconds: duration, warmupSeconds: warmup, nodeOptions, results };
const rate = (kind: string) => (results[kind] as { requestsPerSecond: number } | undefined)?.requestsPerSecond;
for (const other of kinds.filter((kind) => kind !== 'dictamesh')) {
  const [ours, theirs] = [rate('dictamesh'), rate(other)];
  if (ours && theirs) console.log(`dictamesh / ${other}: ${(ours / theirs).toFixed(2)}x requests/s`);
}
writeFileSync(`${out}gateway.json`, JSON.stringify(summary, null, 2));
