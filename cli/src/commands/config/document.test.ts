import { describe, expect, it } from 'vitest';
import { isRedactedSecret, parseConfigDocument, printConfigDocument, REDACTED_SECRET, type ConfigDocument } from './document';
import { CliFailure } from '../../shell/failure';

const DOCUMENT: ConfigDocument = {
  entries: [
    { scope: { platform: true }, key: 'rateLimit.requests', kind: 'VALUE', value: 100, jsonSchema: { type: 'integer', minimum: 1 } },
    { scope: { environment: 'production', service: 'gateway' }, key: 'banner', kind: 'VALUE', value: null, description: 'top banner' },
    { scope: { environment: 'production' }, key: 'db.password', kind: 'SECRET', value: { ...REDACTED_SECRET } },
    { scope: {}, key: 'limits', kind: 'VALUE', jsonSchema: { type: 'object' } },
  ],
};

function failureOf(run: () => unknown): CliFailure {
  try {
    run();
  } catch (error) {
    if (error instanceof CliFailure) return error;
    throw error;
  }
  throw new Error('did not fail');
}

describe('configuration documents', () => {
  it('round-trips through YAML and JSON, keeping `value: null` apart from no value', () => {
    for (const format of ['yaml', 'json'] as const) {
      const text = printConfigDocument(DOCUMENT, format);
      expect(parseConfigDocument(text, format === 'json' ? 'config.json' : 'config.yaml')).toEqual(DOCUMENT);
    }
    const parsed = parseConfigDocument(printConfigDocument(DOCUMENT, 'yaml'), 'c.yaml');
    expect('value' in parsed.entries[1]!).toBe(true);
    expect('value' in parsed.entries[3]!).toBe(false);
  });

  it('writes YAML a person reads: the secret as its placeholder', () => {
    expect(printConfigDocument({ entries: [DOCUMENT.entries[2]!] }, 'yaml')).toBe(
      [
        'entries:',
        '  - scope:',
        '      environment: production',
        '    key: db.password',
        '    kind: SECRET',
        '    value:',
        '      $secret: redacted',
        '',
      ].join('\n'),
    );
  });

  it('reads YAML typed as written, and an entry without scope as the organisation', () => {
    const { entries } = parseConfigDocument('entries:\n  - key: a\n    value: "100"\n  - key: b\n    value: 100\n', 'c.yml');
    expect(entries).toEqual([
      { scope: {}, key: 'a', value: '100' },
      { scope: {}, key: 'b', value: 100 },
    ]);
  });

  it('refuses what is not YAML/JSON, and every shape problem with its path', () => {
    expect(failureOf(() => parseConfigDocument('{"entries": [', 'c.json'))).toMatchObject({ code: 'CONFIG_IMPORT_INVALID', exitCode: 1 });
    expect(failureOf(() => parseConfigDocument('entries: [a: b: c', 'c.yaml')).code).toBe('CONFIG_IMPORT_INVALID');
    const shape = failureOf(() =>
      parseConfigDocument(
        JSON.stringify({
          entries: [
            { key: 'ok', value: 1 },
            { value: 2 },
            { key: 'k', kind: 'TEXT' },
            { key: 'k', scope: { env: 'x' } },
            { key: 'k', extra: 1 },
          ],
          more: true,
        }),
        'c.json',
      ),
    );
    expect(shape.code).toBe('CONFIG_IMPORT_INVALID');
    expect((shape.details.problems as string[]).map((p) => p.split(':')[0])).toEqual([
      'entries.1.key',
      'entries.2.kind',
      'entries.3.scope',
      'entries.4',
      '(document)',
    ]);
  });

  it('knows the placeholder of a redacted secret and nothing else', () => {
    expect(isRedactedSecret(DOCUMENT.entries[2]!)).toBe(true);
    expect(isRedactedSecret({ scope: {}, key: 'k', value: { $secret: 'redacted', other: 1 } })).toBe(false);
    expect(isRedactedSecret({ scope: {}, key: 'k', value: { $secret: 'hunter2' } })).toBe(false);
    expect(isRedactedSecret({ scope: {}, key: 'k', value: ['$secret'] })).toBe(false);
    expect(isRedactedSecret({ scope: {}, key: 'k' })).toBe(false);
  });
});
