import { describe, expect, it } from 'vitest';
import { checkDocs, formatProblems, type DocsContext } from './check';
import { cliCallsIn, npmScriptsIn } from './commands';
import { githubSlugs } from './slug';

const leaf = (name: string, ...aliases: string[]) => ({ name, aliases, commands: [] });

/** A small repository: README.md, docs/a.md, docs/b.md, a folder, two scripts, a CLI with groups. */
function context(files: Record<string, string>): DocsContext {
  return {
    kind: (path) => (path in files ? 'file' : path === 'docs' || path === 'schemas/examples' ? 'folder' : undefined),
    read: (path) => files[path],
    rootScripts: new Set(['start', 'test', 'bench:kafka', 'dictamesh']),
    workspaceScripts: new Map([['@dictamesh/gateway', new Set(['build'])]]),
    cli: {
      name: 'dictamesh',
      aliases: [],
      commands: [leaf('start'), leaf('replay'), { name: 'config', aliases: [], commands: [leaf('get'), leaf('set')] }],
    },
  };
}

function check(files: Record<string, string>): string {
  return formatProblems(
    checkDocs(
      Object.entries(files).map(([path, text]) => ({ path, text })),
      context(files),
    ),
  );
}

describe('checkDocs', () => {
  it('accepts links to existing files, folders and headings, and existing scripts and commands', () => {
    const files = {
      'README.md': '# Title\n\nSee [b](docs/b.md#the-two-commands), [top](#title) and [examples](schemas/examples/).\n',
      'docs/b.md':
        '# B\n\n## The `two` commands!\n\n[back](../README.md) <https://example.com>\n\n```sh\nnpm start && npm run bench:kafka -- --rate 2\nnpx dictamesh config set a 1 # comment\nnpm run -w @dictamesh/gateway build\n```\n',
    };
    expect(check(files)).toBe('');
  });

  it('reports a broken link, a missing anchor and a link out of the repository with file and line', () => {
    const files = {
      'README.md': '# Title\n\nText\nthen [gone](docs/gone.md) and\n[bad anchor](docs/b.md#nope), [self](#nope-either).\n',
      'docs/b.md': '# B\n\n| a | b |\n| - | - |\n| [up](../../x.md) | c |\n',
    };
    expect(check(files)).toBe(
      [
        'README.md:4: link "docs/gone.md": docs/gone.md does not exist',
        'README.md:5: link "docs/b.md#nope": no heading of docs/b.md has the anchor #nope',
        'README.md:5: link "#nope-either": no heading of README.md has the anchor #nope-either',
        'docs/b.md:5: link "../../x.md" leaves the repository',
      ].join('\n'),
    );
  });

  it('reports npm scripts and dictamesh commands that do not exist, in code spans and code blocks', () => {
    const files = {
      'docs/b.md': [
        '# B',
        '',
        'Run `npm run benchmark` or `dictamesh apikey create`.',
        '',
        '```sh',
        'npm run dictamesh -- config delete x',
        'node cli/dist/index.js start && npm run -w @dictamesh/gateway lint',
        'npm run -w nowhere build',
        '```',
        '',
        '```graphql',
        '{ entity(urn: "dictamesh:x") { urn } } # npm run nothing',
        '```',
      ].join('\n'),
    };
    expect(check(files)).toBe(
      [
        'docs/b.md:3: "npm run benchmark": package.json has no script "benchmark"',
        'docs/b.md:3: "dictamesh apikey create": no command "apikey" in "dictamesh"',
        'docs/b.md:6: "dictamesh config delete x": no command "delete" in "dictamesh config"',
        'docs/b.md:7: "npm run -w @dictamesh/gateway lint": workspace @dictamesh/gateway has no script "lint"',
        'docs/b.md:8: "npm run -w nowhere build": no workspace "nowhere"',
      ].join('\n'),
    );
  });

  it('reports lines over 200 characters in every checked file, docs pages included', () => {
    const long = 'x'.repeat(201);
    expect(check({ 'README.md': `# T\n\n${'y'.repeat(200)}\n${long}\n`, 'docs/b.md': `# B\n\n${long}\n` })).toBe(
      ['README.md:4: line of 201 characters (at most 200)', 'docs/b.md:3: line of 201 characters (at most 200)'].join('\n'),
    );
  });

  it('counts characters, not bytes or UTF-16 units, and accepts a docs table row of exactly 200', () => {
    const row = `| ${'é'.repeat(196)} |`;
    expect([...row].length).toBe(200);
    expect(check({ 'docs/b.md': `# B\n\n${row}\n| ${'😀'.repeat(197)} |\n` })).toBe('docs/b.md:4: line of 201 characters (at most 200)');
  });
});

describe('githubSlugs', () => {
  it("follows GitHub's anchors: lower case, punctuation dropped, spaces to -, repeats numbered", () => {
    expect(
      githubSlugs([
        'The `dictamesh config` command',
        'REST/JSON',
        'Build / Production',
        'Gateway: limits, and more',
        'Errors',
        'Errors',
        'Errors-1',
        'Errors',
      ]),
    ).toEqual([
      'the-dictamesh-config-command',
      'restjson',
      'build--production',
      'gateway-limits-and-more',
      'errors',
      'errors-1',
      'errors-1-1',
      'errors-2',
    ]);
  });
});

describe('command lines in code', () => {
  it('finds npm scripts after environment assignments and flags, and skips placeholders', () => {
    expect(npmScriptsIn('KAFKA_BROKERS=127.0.0.1:9092 npm run --silent bench:kafka -- --rate 2 | tee out')).toEqual([
      { script: 'bench:kafka', workspace: undefined, text: 'npm run bench:kafka' },
    ]);
    expect(npmScriptsIn('npm run <script>')).toEqual([]);
    expect(npmScriptsIn('npm install && npm test')).toEqual([{ script: 'test', text: 'npm test' }]);
  });

  it('finds each way of calling the CLI and ignores words that only contain its name', () => {
    expect(cliCallsIn('npx dictamesh events tail --max 3').map((c) => c.words)).toEqual([['events', 'tail', '--max', '3']]);
    expect(cliCallsIn('npm run dictamesh -- config get').map((c) => c.words)).toEqual([['config', 'get']]);
    expect(cliCallsIn('npm run build && node cli/dist/index.js start').map((c) => c.words)).toEqual([['start']]);
    expect(cliCallsIn('dictamesh:admin @dictamesh/secrets "dictamesh": {')).toEqual([]);
  });
});
