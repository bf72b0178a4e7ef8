import { describe, expect, it } from 'vitest';
import { DictaMeshError } from '@dictamesh/runtime';
import { checkRuleFilter, parseRuleFilter, ruleMatches, ruleMatchesUrn, type RuleFilter } from './filter';

const contact = { urn: 'dictamesh:chatwoot:contact:42', source: 'chatwoot', entityType: 'contact' };
const scoped = { urn: 'dictamesh:chatwoot:account/1:conversation:7', source: 'chatwoot', entityType: 'conversation' };

function problemsOf(input: unknown) {
  try {
    parseRuleFilter(input as never);
  } catch (error) {
    expect(error).toBeInstanceOf(DictaMeshError);
    expect((error as DictaMeshError).code).toBe('NOTIFICATION_RULE_INVALID');
    return (error as DictaMeshError).details?.problems;
  }
  throw new Error('accepted');
}

describe('parseRuleFilter', () => {
  it('normalises: duplicates dropped, operations lower-case in event order, empty lists as not given', () => {
    expect(
      parseRuleFilter({
        entityTypes: ['contact', 'contact', 'conversation'],
        sources: [],
        urnPrefix: 'dictamesh:chatwoot:',
        operations: ['DELETED', 'created', 'CREATED'],
      }),
    ).toEqual({ entityTypes: ['contact', 'conversation'], urnPrefix: 'dictamesh:chatwoot:', operations: ['created', 'deleted'] });
    expect(parseRuleFilter({ sources: ['chatwoot'], entityTypes: null })).toEqual({ sources: ['chatwoot'] });
    expect(parseRuleFilter({ urnPrefix: 'dictamesh:' })).toEqual({ urnPrefix: 'dictamesh:' });
  });

  it('lists every problem at once', () => {
    expect(
      problemsOf({
        entityTypes: ['', 'x'.repeat(101), 7],
        sources: Array.from({ length: 51 }, (_, i) => `s${i}`),
        urnPrefix: 'urn:dictamesh:acme:chatwoot:',
        operations: ['CREATED', 'RENAMED'],
      }),
    ).toEqual([
      { field: 'filter.entityTypes[0]', problem: 'must be a non-empty string' },
      { field: 'filter.entityTypes[1]', problem: 'at most 100 characters (got 101)' },
      { field: 'filter.entityTypes[2]', problem: 'must be a non-empty string' },
      { field: 'filter.sources', problem: 'at most 50 items (got 51)' },
      { field: 'filter.urnPrefix', problem: 'entity URNs start with `dictamesh:` (no `urn:`), e.g. `dictamesh:chatwoot:contact:`' },
      { field: 'filter.operations[1]', problem: 'must be one of CREATED, UPDATED, DELETED' },
    ]);
  });

  it('refuses a filter without criteria, prefixes that are not entity URN prefixes, and non-objects', () => {
    expect(problemsOf({})).toEqual([{ field: 'filter', problem: 'needs at least one of entityTypes, sources, urnPrefix, operations' }]);
    expect(problemsOf({ entityTypes: [], operations: [] })).toEqual([
      { field: 'filter', problem: 'needs at least one of entityTypes, sources, urnPrefix, operations' },
    ]);
    expect(problemsOf({ urnPrefix: 'chatwoot:contact:' })).toEqual([
      { field: 'filter.urnPrefix', problem: 'must start with `dictamesh:` (an entity URN is `dictamesh:<source>:[<scope>:]<type>:<id>`)' },
    ]);
    expect(problemsOf({ urnPrefix: 'dictamesh:Chat Woot:' })).toEqual([
      { field: 'filter.urnPrefix', problem: 'must not contain whitespace' },
      { field: 'filter.urnPrefix', problem: 'its source segment must match `[a-z0-9][a-z0-9_-]*`' },
    ]);
    expect(problemsOf({ urnPrefix: `dictamesh:${'a'.repeat(503)}` })).toEqual([
      { field: 'filter.urnPrefix', problem: 'at most 512 characters (got 513)' },
    ]);
    expect(problemsOf({ urnPrefix: 5, sources: 'chatwoot' })).toEqual([
      { field: 'filter.sources', problem: 'must be a list of strings' },
      { field: 'filter.urnPrefix', problem: 'must be a string' },
      { field: 'filter', problem: 'needs at least one of entityTypes, sources, urnPrefix, operations' },
    ]);
    expect(problemsOf(null)).toEqual([{ field: 'filter', problem: 'must be an object' }]);
    expect(checkRuleFilter({ sources: ['chatwoot'] }).problems).toEqual([]);
  });
});

describe('ruleMatches', () => {
  const cases: [RuleFilter, typeof contact, 'created' | 'updated' | 'deleted', boolean][] = [
    [{ entityTypes: ['contact'] }, contact, 'updated', true],
    [{ entityTypes: ['conversation'] }, contact, 'updated', false],
    [{ sources: ['chatwoot', 'hubspot'] }, contact, 'created', true],
    [{ sources: ['hubspot'] }, contact, 'created', false],
    [{ urnPrefix: 'dictamesh:chatwoot:contact:' }, contact, 'deleted', true],
    [{ urnPrefix: 'dictamesh:chatwoot:contact:4' }, contact, 'deleted', true],
    [{ urnPrefix: 'dictamesh:chatwoot:contact:5' }, contact, 'deleted', false],
    [{ urnPrefix: 'dictamesh:chatwoot:account/1:' }, scoped, 'updated', true],
    [{ operations: ['deleted'] }, contact, 'deleted', true],
    [{ operations: ['deleted'] }, contact, 'updated', false],
    [{ entityTypes: ['contact'], sources: ['chatwoot'], operations: ['updated'] }, contact, 'updated', true],
    [{ entityTypes: ['contact'], sources: ['chatwoot'], operations: ['updated'] }, contact, 'created', false],
    [{ entityTypes: ['contact'], sources: ['hubspot'] }, contact, 'updated', false],
  ];
  it.each(cases)('%j on %j %s → %s', (filter, change, operation, expected) => {
    expect(ruleMatches(filter, change, operation)).toBe(expected);
  });
});

describe('ruleMatchesUrn', () => {
  it('checks the prefix, and the source and type when the URN parses; operations never', () => {
    expect(ruleMatchesUrn({ entityTypes: ['contact'], operations: ['deleted'] }, contact.urn)).toBe(true);
    expect(ruleMatchesUrn({ entityTypes: ['conversation'] }, contact.urn)).toBe(false);
    expect(ruleMatchesUrn({ entityTypes: ['conversation'], sources: ['chatwoot'] }, scoped.urn)).toBe(true);
    expect(ruleMatchesUrn({ sources: ['hubspot'] }, scoped.urn)).toBe(false);
    expect(ruleMatchesUrn({ urnPrefix: 'dictamesh:chatwoot:contact:' }, scoped.urn)).toBe(false);
    expect(ruleMatchesUrn({ entityTypes: ['contact'] }, 'not-a-urn')).toBe(true);
    expect(ruleMatchesUrn({ urnPrefix: 'dictamesh:' }, 'not-a-urn')).toBe(false);
  });
});
