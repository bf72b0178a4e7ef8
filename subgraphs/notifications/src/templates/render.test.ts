import type { NotificationTemplate } from '@dictamesh/db';
import type { DictaMeshError } from '@dictamesh/runtime';
import { describe, expect, it } from 'vitest';
import { PLATFORM_TYPES } from '../types/platform';
import { checkTemplate } from './check';
import { renderTemplate } from './render';
import { declare, variablesToJson, type TemplateVariable } from './variables';

let seq = 0;
function template(
  parts: { subject?: string | null; body: string; html?: string | null },
  variables: TemplateVariable[],
  locale = 'en',
): NotificationTemplate {
  seq += 1;
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    orgId: null,
    typeKey: 't',
    channel: 'EMAIL',
    locale,
    version: 3,
    subject: parts.subject ?? null,
    body: parts.body,
    html: parts.html ?? null,
    variables: variablesToJson(variables) as NotificationTemplate['variables'],
    createdBy: null,
    createdAt: new Date(0),
  };
}

function codeOf(fn: () => unknown): [string, unknown] {
  try {
    fn();
  } catch (error) {
    return [(error as DictaMeshError).code, (error as DictaMeshError).details.problems];
  }
  throw new Error('expected a DictaMeshError');
}

describe('renderTemplate', () => {
  const vars = declare({ name: 'STRING', 'note?': 'STRING', at: 'DATE', n: 'NUMBER', items: 'ARRAY', 'invoice.number': 'STRING' });

  it('renders text parts unescaped, HTML escaped, optional variables empty, helpers in the template’s locale', () => {
    const t = template(
      {
        subject: 'Hello\n {{name}} {{invoice.number}}',
        body: '{{name}} <{{note}}> {{formatDate at "yyyy-MM-dd HH:mm"}} {{formatNumber n}} {{#each items}}[{{@index}}:{{this}}]{{/each}}{{#if note}}!{{/if}}',
        html: '<p>{{name}}</p>',
      },
      vars,
    );
    const values = { name: 'Ann & <Bob>', at: '2026-12-01T03:04:05Z', n: 1234.5, items: ['a', 'b'], invoice: { number: 'F-7' }, extra: 1 };
    expect(renderTemplate(t, values)).toEqual({
      subject: 'Hello Ann & <Bob> F-7',
      text: 'Ann & <Bob> <> 2026-12-01 03:04 1,234.5 [0:a][1:b]',
      html: '<p>Ann &amp; &lt;Bob&gt;</p>',
      templateVersion: 3,
      locale: 'en',
    });
    // the input is left untouched
    expect(values).not.toHaveProperty('note');
    const fr = template({ body: '{{formatNumber n}} {{formatDate at "date"}}' }, declare({ n: 'NUMBER', at: 'DATE' }), 'fr');
    expect(renderTemplate(fr, { n: 1234.5, at: '2026-12-01T03:04:05Z' }, { timezone: 'Europe/Paris' }).text).toBe(
      '1\u202f234,5 1 déc. 2026',
    );
  });

  it('checks the variables first: missing or mistyped → NOTIFICATION_VARIABLES_INVALID', () => {
    const t = template({ body: '{{name}}' }, vars);
    expect(codeOf(() => renderTemplate(t, { at: 'nope', n: '1', items: [], invoice: { number: 'x' } }))).toEqual([
      'NOTIFICATION_VARIABLES_INVALID',
      [
        { name: 'at', problem: 'expected an ISO-8601 DATE string, got a string' },
        { name: 'n', problem: 'expected a finite NUMBER, got a string' },
        { name: 'name', problem: 'missing' },
      ],
    ]);
  });

  it('turns a path missing below a declared ARRAY into NOTIFICATION_VARIABLES_INVALID (strict mode)', () => {
    const t = template({ body: '{{#each items}}{{title}}{{/each}}' }, declare({ items: 'ARRAY' }));
    expect(renderTemplate(t, { items: [{ title: 'x' }] }).text).toBe('x');
    const [code, problems] = codeOf(() => renderTemplate(t, { items: [{}] }));
    expect(code).toBe('NOTIFICATION_VARIABLES_INVALID');
    expect(problems).toEqual([{ name: '', problem: '"title" not defined in [object Object] - 1:17' }]);
  });
});

describe('platform templates', () => {
  it('every seeded template passes checkTemplate, and every type has en EMAIL (subject, text, html) and IN_APP', () => {
    for (const type of PLATFORM_TYPES) {
      for (const t of type.templates)
        expect(() => checkTemplate(t, type.variables, 100_000), `${type.key} ${t.channel} ${t.locale}`).not.toThrow();
      const email = type.templates.find((t) => t.channel === 'EMAIL' && t.locale === 'en');
      expect(email?.subject && email.body && email.html, type.key).toBeTruthy();
      expect(
        type.templates.some((t) => t.channel === 'IN_APP' && t.locale === 'en'),
        type.key,
      ).toBe(true);
    }
    const fr = PLATFORM_TYPES.find((t) => t.key === 'billing.invoice.finalized')!.templates.filter((t) => t.locale === 'fr');
    expect(fr.map((t) => t.channel)).toEqual(['EMAIL', 'IN_APP']);
  });

  it('renders invoice finalized in en and fr, and a digest', () => {
    const type = PLATFORM_TYPES.find((t) => t.key === 'billing.invoice.finalized')!;
    const email = (locale: string) => {
      const seed = type.templates.find((t) => t.channel === 'EMAIL' && t.locale === locale)!;
      return template({ subject: seed.subject, body: seed.body, html: seed.html ?? null }, type.variables, locale);
    };
    const values = {
      invoiceId: 'inv_1',
      invoiceNumber: 'ACME-0042',
      currency: 'EUR',
      total: 'EUR 601.94',
      amountDue: 'EUR 601.94',
      periodStart: '2026-11-01T00:00:00Z',
      periodEnd: '2026-12-01T00:00:00Z',
      dueAt: '2026-12-31T00:00:00Z',
    };
    expect(renderTemplate(email('en'), values)).toEqual({
      subject: 'Invoice ACME-0042 is ready',
      text: 'Invoice ACME-0042 for Nov 1, 2026 – Dec 1, 2026 is ready.\nTotal EUR 601.94, amount due EUR 601.94 by Dec 31, 2026.\n',
      html: '<p>Invoice <strong>ACME-0042</strong> for Nov 1, 2026 – Dec 1, 2026 is ready.</p>\n<p>Total EUR 601.94, amount due EUR 601.94 by Dec 31, 2026.</p>\n',
      templateVersion: 3,
      locale: 'en',
    });
    const { invoiceNumber: _n, dueAt: _d, ...bare } = values;
    expect(renderTemplate(email('fr'), bare).subject).toBe('Votre facture inv_1 est disponible');
    expect(renderTemplate(email('fr'), bare).text).toBe(
      'Votre facture inv_1 pour la période du 1 nov. 2026 – 1 déc. 2026 est disponible.\nMontant total EUR 601.94, reste à payer EUR 601.94.\n',
    );

    const digest = PLATFORM_TYPES.find((t) => t.key === 'notifications.digest')!;
    const seed = digest.templates.find((t) => t.channel === 'IN_APP')!;
    const inApp = template({ subject: seed.subject, body: seed.body }, digest.variables);
    const items = [
      { title: 'A', body: 'a', createdAt: '2026-12-01T00:00:00Z' },
      { title: 'B', body: 'b', createdAt: '2026-12-01T00:01:00Z' },
    ];
    expect(
      renderTemplate(inApp, {
        type: 'dlq.dead_letter',
        count: 12,
        more: 10,
        items,
        windowStart: '2026-12-01T00:00:00Z',
        windowEnd: '2026-12-01T01:00:00Z',
      }),
    ).toMatchObject({
      subject: '12 dlq.dead_letter notifications',
      text: '12 notifications of type dlq.dead_letter (10 not listed): A; B',
    });
  });
});
