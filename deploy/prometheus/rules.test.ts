import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

// The alert rules as Prometheus reads them: `promtool check rules`, the rule unit tests of
// alerts.test.yml (`promtool test rules`), `promtool check config` of the compose deployment's
// prometheus.yml that loads them, and every alert's runbook section in docs/operations.md.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ALERTS = 'deploy/prometheus/alerts.yml';

/** Runs promtool from the repository root; fails with how to install it when it is missing. */
function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    throw new Error("promtool not found on PATH: install Debian's prometheus package (apt-get install -y prometheus), as .ci/run does");
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

interface AlertRule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const alerts = (): AlertRule[] =>
  (parse(readFileSync(`${ROOT}/${ALERTS}`, 'utf8')) as { groups: Array<{ rules: AlertRule[] }> }).groups.flatMap((g) => g.rules);

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

describe('Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const run = promtool('check', 'rules', ALERTS);
    expect(run.output).toContain('SUCCESS: 6 rules found');
    expect(run.status).toBe(0);
  });

  it('pass their unit tests (promtool test rules alerts.test.yml: each alert firing and quiet)', () => {
    const run = promtool('test', 'rules', 'deploy/prometheus/alerts.test.yml');
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('are loaded by a valid Prometheus configuration (promtool check config deploy/prometheus/prometheus.yml)', () => {
    const run = promtool('check', 'config', 'deploy/prometheus/prometheus.yml');
    expect(run.output).toContain('SUCCESS: 1 rule files found');
    expect(run.output).toContain('is valid prometheus config file syntax');
    expect(run.status).toBe(0);
  });

  it('each have a severity, a summary, a description and a runbook section in docs/operations.md', () => {
    const docs = readFileSync(`${ROOT}/docs/operations.md`, 'utf8');
    const anchors = new Set([...docs.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1]!)));
    const rules = alerts();
    expect(rules.map((r) => r.alert).sort()).toEqual([
      'AdapterUnhealthy',
      'ConsumerLagRising',
      'DeadLettersGrowing',
      'GatewayErrorRatioHigh',
      'GatewayLatencyP99High',
      'ServiceDown',
    ]);
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      expect(rule.annotations?.runbook_url, rule.alert).toBe(`docs/operations.md#${rule.alert.toLowerCase()}`);
      expect(anchors.has(rule.alert.toLowerCase()), `docs/operations.md has no "### ${rule.alert}" section`).toBe(true);
    }
  });
});
