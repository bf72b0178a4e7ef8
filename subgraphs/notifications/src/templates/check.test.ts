import { DictaMeshError } from '@dictamesh/runtime';
import { describe, expect, it } from 'vitest';
import { checkTemplate, checkVariables } from './check';
import { declare } from './variables';

/** The problems `fn` throws with `code`, or a failure when it does not throw. */
function problemsOf(fn: () => void, code: string): unknown[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DictaMeshError);
    expect((error as DictaMeshError).code).toBe(code);
    return (error as DictaMeshError).details.problems as unknown[];
  }
  throw new Error('expected a DictaMeshError');
}
const templateProblems = (parts: Parameters<typeof checkTemplate>[0], vars: Parameters<typeof checkTemplate>[1], max = 10_000) =>
  problemsOf(() => checkTemplate(parts, vars, max), 'NOTIFICATION_TEMPLATE_INVALID');

describe('checkTemplate', () => {
  const invoice = declare({ total: 'STRING', 'dueAt?': 'DATE', customer: 'OBJECT', items: 'ARRAY', 'invoice.number': 'STRING' });

  it('accepts declared variables, nested paths into OBJECT/ARRAY, #each/#with scopes, block params, @index, ../ and @root', () => {
    expect(() =>
      checkTemplate(
        {
          subject: 'Invoice {{invoice.number}}: {{total}}',
          body: [
            '{{#if dueAt}}Due {{formatDate dueAt "yyyy-MM-dd"}}{{else}}No due date{{/if}}',
            '{{customer.name}} {{customer.address.city}}',
            '{{#each items}}{{@index}} {{this}} {{title}} {{../total}} {{@root.total}}{{else}}none{{/each}}',
            '{{#each items as |item i|}}{{i}} {{item.title}} {{item}} {{#each item.tags as |tag|}}{{tag}}{{@key}}{{/each}}{{/each}}',
            '{{#with customer as |c|}}{{c.name}} {{name}} {{../total}}{{/with}}',
            '{{#with invoice}}{{number}}{{/with}}',
            '{{#if (eq total "0")}}free{{/if}} {{join items ", "}} {{formatNumber 3}}',
            '{{! a comment }}',
          ].join('\n'),
          html: '<p>{{total}}</p>{{#unless dueAt}}<i>no date</i>{{/unless}}',
        },
        invoice,
        10_000,
      ),
    ).not.toThrow();
  });

  it('lists every undeclared variable with its part and line, inside blocks too', () => {
    expect(
      templateProblems(
        {
          subject: '{{nope}}',
          body: 'a\n{{total}} {{totl}}\n{{#each items as |item|}}{{item.x}} {{../missing}}{{/each}}\n{{#with customer}}{{../customerName}}{{/with}}',
          html: '{{invoice}}',
        },
        invoice,
      ),
    ).toEqual([
      'subject (line 1): undeclared variable "nope"',
      'body (line 2): undeclared variable "totl"',
      'body (line 3): undeclared variable "missing"',
      'body (line 4): undeclared variable "customerName"',
      'html (line 1): undeclared variable "invoice"',
    ]);
  });

  it('refuses paths below scalars, #each over a scalar, @index outside #each, paths above the top, and {{this}} at the top', () => {
    expect(
      templateProblems(
        {
          body: '{{total.length}}\n{{#each total}}x{{/each}}\n{{@index}}\n{{../../x}}\n{{this}}\n{{@foo}}\n{{#each items as |it i|}}{{i.x}}{{/each}}',
        },
        invoice,
      ),
    ).toEqual([
      'body (line 1): "total" is declared STRING: it has no "length"',
      'body (line 2): #each needs a variable declared ARRAY or OBJECT, not "total"',
      'body (line 3): @index is only defined inside #each',
      'body (line 4): "../../x" goes above the top level',
      'body (line 5): "this" at the top level is the whole set of variables: name one',
      'body (line 6): unknown data variable "@foo"',
      'body (line 7): "i.x": an index has no properties',
    ]);
  });

  it('refuses unknown helpers, lookup/log, partials, mustache sections, misuse of block helpers and raw HTML output', () => {
    expect(
      templateProblems(
        {
          body: '{{shout total}}\n{{lookup customer "name"}}\n{{> footer}}\n{{#items}}x{{/items}}\n{{if total}}\n{{#formatDate total}}x{{/formatDate}}\n{{#if (upper total)}}x{{/if}}',
          html: '{{{total}}} {{& total}}',
        },
        invoice,
      ),
    ).toEqual([
      'body (line 1): unknown helper "shout" (known: formatDate, formatNumber, join, eq)',
      'body (line 2): unknown helper "lookup" (known: formatDate, formatNumber, join, eq)',
      'body (line 3): partials ({{> name}}) are not allowed',
      'body (line 4): unknown block helper "#items" (known: if, unless, each, with)',
      'body (line 5): "if" is a block helper: use {{#if …}}…{{/if}}',
      'body (line 6): "formatDate" is not a block helper: use {{formatDate …}}',
      'body (line 7): unknown helper "upper" (known: formatDate, formatNumber, join, eq)',
      'html (line 1): raw output ({{{…}}} or {{& …}}) is not allowed in HTML: use {{…}}, which escapes',
      'html (line 1): raw output ({{{…}}} or {{& …}}) is not allowed in HTML: use {{…}}, which escapes',
    ]);
  });

  it('reports syntax errors with their line, mismatched blocks, oversize parts and bad declarations', () => {
    expect(
      templateProblems({ subject: 'x'.repeat(31), body: 'a\nb\n{{total', html: '<p>\n{{#if total}}\n{{/each}}' }, invoice, 30),
    ).toEqual([
      'subject is 31 characters, over the limit of 30',
      "body: Parse error on line 3: Expecting 'ID', 'STRING', 'NUMBER', 'BOOLEAN', 'UNDEFINED', 'NULL', 'DATA', got 'INVALID'",
      "html (line 2): if doesn't match each - 2:3",
    ]);
    expect(
      templateProblems({ body: '{{a}}' }, [
        { name: 'a', type: 'STRING', required: true },
        { name: 'a', type: 'STRING', required: true },
        { name: 'a.b', type: 'STRING', required: true },
        { name: '1x', type: 'STRING', required: true },
        { name: 'c', type: 'MONEY' as 'STRING', required: true },
      ]),
    ).toEqual([
      'variable "a" is declared twice',
      'variable "1x": not a dotted name of identifiers',
      'variable "c": unknown type MONEY',
      'variable "a.b" is below "a", declared STRING',
    ]);
    expect(templateProblems({ body: '  ' }, [])).toEqual(['body is empty']);
  });
});

describe('checkVariables', () => {
  const declared = declare({
    s: 'STRING',
    n: 'NUMBER',
    b: 'BOOLEAN',
    d: 'DATE',
    u: 'URL',
    o: 'OBJECT',
    a: 'ARRAY',
    'opt?': 'STRING',
    'inv.number': 'STRING',
  });
  const good = {
    s: 'x',
    n: 1.5,
    b: false,
    d: '2026-12-01T03:00:00Z',
    u: 'https://example.com/a?b=c',
    o: {},
    a: [],
    inv: { number: 'F-1' },
    extra: { anything: true },
  };

  it('accepts values of the declared types, optional ones absent, extra values ignored', () => {
    expect(() => checkVariables(declared, good)).not.toThrow();
    expect(() => checkVariables(declared, { ...good, d: '2026-12-01', u: 'http://localhost:8080/' })).not.toThrow();
  });

  it('lists every missing or mistyped variable', () => {
    expect(
      problemsOf(
        () =>
          checkVariables(declared, {
            s: 3,
            n: Number.POSITIVE_INFINITY,
            b: 'true',
            d: 'yesterday',
            u: 'ftp://example.com/',
            o: [],
            a: {},
            opt: null,
            inv: {},
          }),
        'NOTIFICATION_VARIABLES_INVALID',
      ),
    ).toEqual([
      { name: 's', problem: 'expected STRING, got a number' },
      { name: 'n', problem: 'expected a finite NUMBER, got a number' },
      { name: 'b', problem: 'expected BOOLEAN, got a string' },
      { name: 'd', problem: 'expected an ISO-8601 DATE string, got a string' },
      { name: 'u', problem: 'expected an absolute http(s) URL' },
      { name: 'o', problem: 'expected OBJECT, got an array' },
      { name: 'a', problem: 'expected ARRAY, got an object' },
      { name: 'inv.number', problem: 'missing' },
    ]);
    expect(problemsOf(() => checkVariables(declared, { ...good, s: null, u: '/relative' }), 'NOTIFICATION_VARIABLES_INVALID')).toEqual([
      { name: 's', problem: 'missing' },
      { name: 'u', problem: 'expected an absolute http(s) URL' },
    ]);
  });
});
