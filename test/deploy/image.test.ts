import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDockerfile, runtimeStage } from './dockerfile';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const image = runtimeStage(`${ROOT}Dockerfile`);

/** The patterns of an ignore file, without comments, `/` suffixes and `**\/` prefixes. */
function patterns(file: string): string[] {
  return readFileSync(`${ROOT}${file}`, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.replace(/\/$/, '').replace(/^\*\*\//, ''));
}

describe('Dockerfile runtime stage', () => {
  it('runs the compiled CLI as the non-root node user with production settings and a data volume', () => {
    expect(image.from).toMatch(/^node:20-/);
    expect(image.user).toBe('node');
    expect(image.cmd).toEqual(['node', 'cli/dist/index.js', 'start']);
    expect(image.env).toMatchObject({
      NODE_ENV: 'production',
      APOLLO_TELEMETRY_DISABLED: 'true',
      HOST: '0.0.0.0',
      DICTAMESH_DATA_DIR: '/data',
    });
    expect(image.volumes).toEqual(['/data']);
    expect(image.expose).toEqual(['4000-4006']);
  });

  it('checks health with the compiled health check, a build entry of the CLI package (node:20-slim has no curl)', () => {
    expect(image.healthcheck?.cmd).toEqual(['node', 'cli/dist/healthcheck.js']);
    expect(image.healthcheck?.options).toMatchObject({ interval: '15s', 'start-period': '60s' });
    const cli = JSON.parse(readFileSync(`${ROOT}cli/package.json`, 'utf8')) as { exports: Record<string, { default: string }> };
    expect(cli.exports['./healthcheck']?.default).toBe('./dist/healthcheck.js');
  });

  it('keeps every ignored build, test and data leftover of .gitignore out of the build context, and the secrets', () => {
    const ignored = new Set(patterns('.dockerignore'));
    expect(patterns('.gitignore').filter((pattern) => !ignored.has(pattern))).toEqual([]);
    for (const pattern of ['scripts/kafka/target', '.git', 'deploy/secrets', '.env']) expect(ignored).toContain(pattern);
  });
});

describe('parseDockerfile', () => {
  it('reads stages, continuations and the last ENV of a name', () => {
    const stages = parseDockerfile(
      'FROM a AS build\nENV X=1\nFROM b\n# c\nENV X=1 \\\n  Y=2\nENV X=3\nUSER u\nHEALTHCHECK --interval=5s CMD ["n", "h"]\nCMD ["n", "s"]\n',
    );
    expect(stages.map((s) => [s.name, s.from])).toEqual([
      ['build', 'a'],
      ['', 'b'],
    ]);
    expect(stages[1]).toMatchObject({
      env: { X: '3', Y: '2' },
      user: 'u',
      cmd: ['n', 's'],
      healthcheck: { cmd: ['n', 'h'], options: { interval: '5s' } },
    });
  });

  it('refuses what it would misread: the shell form, quoted or expanded ENV values', () => {
    expect(() => parseDockerfile('FROM a\nCMD node x.js')).toThrow(/CMD must use the exec form/);
    expect(() => parseDockerfile('FROM a\nENV A="x y"')).toThrow(/ENV must be unquoted/);
    expect(() => parseDockerfile('FROM a\nENV A=$B')).toThrow(/ENV must be unquoted/);
    expect(() => parseDockerfile('USER x')).toThrow(/USER before FROM/);
  });
});
