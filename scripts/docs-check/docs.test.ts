import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '@dictamesh/cli/program';
import { checkDocs, formatProblems } from './check';
import { docsFiles, repositoryContext } from './repo';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the docs (README.md, SECURITY.md, docs/**/*.md, deploy/**/README.md)', () => {
  it('link to files and headings that exist, and name npm scripts and dictamesh commands that exist', () => {
    const files = docsFiles(root);
    expect(files.map((file) => file.path)).toEqual(
      expect.arrayContaining(['README.md', 'SECURITY.md', 'docs/README.md', 'docs/configuration.md']),
    );
    const problems = checkDocs(files, repositoryContext(root, buildProgram()));
    // one line per problem, `file:line: message`
    expect(formatProblems(problems)).toBe('');
  });
});
