import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileVariables } from './env-files';
import { parseEnv } from './env';

const dir = mkdtempSync(join(tmpdir(), 'dictamesh-env-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file holding `content` (a mounted secret). */
function secretFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('readFileVariables', () => {
  it('fills <NAME> from <NAME>_FILE, trailing line breaks removed, other characters kept', () => {
    const source = {
      JWT_SECRET_FILE: secretFile('jwt', 'a secret with  spaces \n'),
      DATABASE_URL_FILE: secretFile('db', 'postgres://u:p@db/x\r\n\n'),
      OTHER: 'kept',
    };
    const { variables, problems } = readFileVariables(source, ['JWT_SECRET', 'DATABASE_URL', 'REDIS_URL']);
    expect(problems).toEqual([]);
    expect(variables.JWT_SECRET).toBe('a secret with  spaces ');
    expect(variables.DATABASE_URL).toBe('postgres://u:p@db/x');
    expect(variables.OTHER).toBe('kept');
    expect(variables).not.toHaveProperty('REDIS_URL');
    expect(source).not.toHaveProperty('JWT_SECRET'); // the source is not modified
  });

  it('reads only the names it is given, and treats empty values as unset', () => {
    const path = secretFile('unlisted', 'value');
    const { variables, problems } = readFileVariables({ UNLISTED_FILE: path, A: '', A_FILE: path, B_FILE: '' }, ['A', 'B']);
    expect(problems).toEqual([]);
    expect(variables).not.toHaveProperty('UNLISTED');
    expect(variables.A).toBe('value');
    expect(variables).not.toHaveProperty('B');
  });

  it('refuses both forms of one variable and an unreadable file, naming each', () => {
    const { problems } = readFileVariables({ A: 'x', A_FILE: secretFile('a', 'y'), B_FILE: join(dir, 'missing') }, ['A', 'B']);
    expect(problems).toEqual(['A: set either A or A_FILE, not both', `B_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`]);
  });

  it('reads through the injected reader', () => {
    const { variables } = readFileVariables({ A_FILE: '/run/secrets/a' }, ['A'], (path) => `content of ${path}\n`);
    expect(variables.A).toBe('content of /run/secrets/a');
  });
});

describe('parseEnv with fileVariables', () => {
  const schemas = { keys: z.object({ KEY: z.string().min(4), PORT: z.coerce.number().int() }) };

  it('validates the file content like the variable itself', () => {
    expect(parseEnv(schemas, { KEY_FILE: secretFile('key', 'abcd\n'), PORT: '1' }, { fileVariables: ['KEY'] }).keys.KEY).toBe('abcd');
    try {
      parseEnv(schemas, { KEY_FILE: secretFile('short', 'ab\n'), PORT: '1' }, { fileVariables: ['KEY'] });
      expect.unreachable();
    } catch (error) {
      expect((error as { details: { problems: string[] } }).details.problems).toEqual([
        'KEY: Too small: expected string to have >=4 characters',
      ]);
    }
  });

  it('lists a variable set twice with every other problem, as CONFIGURATION_INVALID', () => {
    try {
      parseEnv(schemas, { KEY: 'abcd', KEY_FILE: secretFile('twice', 'abcd'), PORT: 'x' }, { fileVariables: ['KEY'] });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'CONFIGURATION_INVALID' });
      expect((error as { details: { problems: string[] } }).details.problems).toEqual([
        'KEY: set either KEY or KEY_FILE, not both',
        'PORT: Invalid input: expected number, received NaN',
      ]);
    }
  });

  it('ignores <NAME>_FILE without the option', () => {
    expect(() => parseEnv(schemas, { KEY_FILE: secretFile('ignored', 'abcd'), PORT: '1' })).toThrow(/KEY/);
  });
});
