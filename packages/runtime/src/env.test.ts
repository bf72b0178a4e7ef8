import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseEnv, port } from './env';

describe('parseEnv', () => {
  const schemas = { server: z.object({ PORT: port(4000) }), db: z.object({ DATABASE_URL: z.string().url() }) };

  it('applies defaults and freezes the result', () => {
    const env = parseEnv(schemas, { DATABASE_URL: 'postgresql://localhost/x' });
    expect(env.server.PORT).toBe(4000);
    expect(Object.isFrozen(env.server)).toBe(true);
  });

  it('reports every invalid variable at once', () => {
    try {
      parseEnv(schemas, { PORT: '99999', DATABASE_URL: 'not a url' });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'CONFIGURATION_INVALID' });
      const problems = (error as { details: { problems: string[] } }).details.problems;
      expect(problems).toHaveLength(2);
      expect(problems.join('\n')).toMatch(/PORT/);
      expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    }
  });

  it('reads record schemas from an environment that is not a plain object, like process.env', () => {
    class Environment {}
    const source = Object.assign(new Environment(), { A_URL: 'http://a', B: 'b' }) as unknown as Record<string, string>;
    const urls = { urls: z.record(z.string(), z.string().optional()) };
    expect(parseEnv(urls, source).urls).toEqual({ A_URL: 'http://a', B: 'b' });
    expect(Object.keys(parseEnv(urls).urls)).toEqual(Object.keys(process.env));
  });
});
