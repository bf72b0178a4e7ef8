import { describe, expect, it } from 'vitest';
import { runCaptured } from '../../shell/test-run';
import { migrateCommand } from './index';

const OFFLINE = { DATABASE_URL: 'postgres://u:p@127.0.0.1:9/none' };
const migrate = (args: string[]) => runCaptured((io) => migrateCommand(io, OFFLINE), args);

describe('dictamesh migrate', () => {
  it('names the database it cannot reach in one line (exit 1), for apply and status', async () => {
    for (const args of [[], ['status']]) {
      const run = await migrate(args);
      expect(run.code).toBe(1);
      expect(run.out).toBe('');
      expect(run.err).toMatch(/^error DATABASE_UNREACHABLE: Postgres \(DATABASE_URL\): .*ECONNREFUSED.*\n$/);
    }
  });

  it('shows examples in its help, exits 2 on an unknown argument', async () => {
    const help = await migrate(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Examples:\n  $ dictamesh migrate\n');
    expect((await migrate(['status', '--help'])).out).toContain('Example:\n  $ dictamesh migrate status\n');
    expect((await migrate(['status', 'extra'])).code).toBe(2);
  });
});
