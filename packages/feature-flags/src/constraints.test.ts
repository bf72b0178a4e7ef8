import { describe, expect, it } from 'vitest';
import { constraintHolds } from './constraints';
import { compareSemver } from './semver';
import type { EvaluationContext, FlagConstraint } from './types';

// Vectors from Unleash's client specification, specifications/13-constraint-operators.json and
// 14-constraint-semver-operators.json (context `properties` flattened into the context).

const now = () => new Date('2022-01-25T13:00:00.000Z');
const holds = (c: FlagConstraint, context: EvaluationContext) => constraintHolds(c, context, now);

describe('constraint operators (spec 13)', () => {
  it('string operators', () => {
    const starts: FlagConstraint = { contextName: 'customField', operator: 'STR_STARTS_WITH', values: ['some-string'] };
    expect(holds(starts, { customField: 'some-string-is-cool' })).toBe(true);
    expect(holds(starts, { customField: 'some2-is-cool-string' })).toBe(false);
    const multiple: FlagConstraint = { contextName: 'customField', operator: 'STR_STARTS_WITH', values: ['e1', 'e2'] };
    expect(holds(multiple, { customField: 'e2 cool' })).toBe(true);
    expect(holds(multiple, { customField: 'cool e1' })).toBe(false);
    const ci: FlagConstraint = { contextName: 'customField', operator: 'STR_STARTS_WITH', values: ['TEST'], caseInsensitive: true };
    expect(holds(ci, { customField: 'test@example.com' })).toBe(true);
    expect(holds(ci, { customField: 'TEsT@example.com' })).toBe(true);
    const ends: FlagConstraint = { contextName: 'email', operator: 'STR_ENDS_WITH', values: ['some-email.com'] };
    expect(holds(ends, { email: 'test@some-email.com' })).toBe(true);
    expect(holds(ends, { email: 'test@some-EMAIL.com' })).toBe(false);
    expect(holds({ ...ends, caseInsensitive: true }, { email: 'test@SOME-EMAIL.com' })).toBe(true);
    expect(holds(ends, { email: 'test@another-email.com' })).toBe(false);
    const contains: FlagConstraint = { contextName: 'email', operator: 'STR_CONTAINS', values: ['email'] };
    expect(holds(contains, { email: 'test@some-email.com' })).toBe(true);
    expect(holds(contains, { email: 'test@another.com' })).toBe(false);
    expect(holds({ ...contains, inverted: true }, { email: 'test@another.com' })).toBe(true);
  });
  it('numeric operators', () => {
    const n = (operator: FlagConstraint['operator'], value: string, inverted = false): FlagConstraint => ({
      contextName: 'someValue',
      operator,
      value,
      inverted,
    });
    expect(holds(n('NUM_EQ', '12'), { someValue: '12' })).toBe(true);
    expect(holds(n('NUM_EQ', '12'), { someValue: '12.0' })).toBe(true);
    expect(holds(n('NUM_EQ', '12.0'), { someValue: '12' })).toBe(true);
    expect(holds(n('NUM_EQ', '12', true), { someValue: '12' })).toBe(false);
    expect(holds(n('NUM_EQ', '12', true), { someValue: '13' })).toBe(true);
    expect(holds(n('NUM_GT', '12'), { someValue: '13' })).toBe(true);
    expect(holds(n('NUM_GT', '12'), { someValue: '12' })).toBe(false);
    expect(holds(n('NUM_GTE', '12'), { someValue: '12' })).toBe(true);
    expect(holds(n('NUM_GTE', '12'), { someValue: '11' })).toBe(false);
    expect(holds(n('NUM_LTE', '12'), { someValue: '13' })).toBe(false);
    expect(holds(n('NUM_LTE', '12'), { someValue: 0 })).toBe(true);
    expect(holds(n('NUM_LT', '12'), { someValue: '0' })).toBe(true);
    expect(holds(n('NUM_LT', '12'), { someValue: '12' })).toBe(false);
    expect(holds(n('NUM_LT', '12'), { someValue: 'twelve' })).toBe(false);
  });
  it('date operators are exclusive and honour offsets', () => {
    const after: FlagConstraint = { contextName: 'currentTime', operator: 'DATE_AFTER', value: '2022-01-29T13:00:00.000Z' };
    const before: FlagConstraint = { contextName: 'currentTime', operator: 'DATE_BEFORE', value: '2022-01-29T13:00:00.000Z' };
    expect(holds(after, { currentTime: '2022-01-30T13:00:00.000Z' })).toBe(true);
    expect(holds(after, { currentTime: '2022-01-28T13:00:00.000Z' })).toBe(false);
    expect(holds(after, { currentTime: '2022-01-29T13:00:00.000Z' })).toBe(false);
    expect(holds(before, { currentTime: '2022-01-28T13:00:00.000Z' })).toBe(true);
    expect(holds(before, { currentTime: new Date('2022-01-29T13:00:00.000Z') })).toBe(false);
    // no currentTime: the injected clock (2022-01-25)
    expect(holds(before, {})).toBe(true);
    expect(holds({ ...after, value: '2022-01-22T13:00:00.000+02:00' }, { currentTime: '2022-01-22T11:30:00.000Z' })).toBe(true);
    expect(holds({ ...before, value: '2022-01-22T14:00:00.000+02:00' }, { currentTime: '2022-01-22T11:30:00.000Z' })).toBe(true);
  });
  it('missing fields, inversion and unknown operators', () => {
    expect(holds({ contextName: 'customFieldMissing', operator: 'IN', values: ['s1'] }, {})).toBe(false);
    expect(holds({ contextName: 'customFieldMissing', operator: 'IN', values: ['s1'] }, { customFieldMissing: 's1' })).toBe(true);
    expect(holds({ contextName: 'customFieldMissing', operator: 'NOT_IN', values: ['s1'] }, {})).toBe(true);
    expect(holds({ contextName: 'customFieldMissing', operator: 'NOT_IN', values: ['s1'] }, { customFieldMissing: null })).toBe(true);
    expect(holds({ contextName: 'someValue', operator: 'IN', values: ['s1', 's2'], inverted: true }, { someValue: 's1' })).toBe(false);
    expect(holds({ contextName: 'someValue', operator: 'NOT_IN', values: ['s1', 's2'], inverted: true }, { someValue: 's1' })).toBe(true);
    const invalid = { contextName: 'customField', operator: 'NOT_A_VALID_OPERATOR', value: 'x' } as unknown as FlagConstraint;
    expect(holds(invalid, { customField: 'x' })).toBe(false);
    expect(holds({ ...invalid, inverted: true }, { customField: 'x' })).toBe(false);
  });
  it('userId falls back to targetingKey; IN can ignore case', () => {
    expect(holds({ contextName: 'userId', operator: 'IN', values: ['u1'] }, { targetingKey: 'u1' })).toBe(true);
    expect(holds({ contextName: 'userId', operator: 'IN', values: ['u1'] }, { userId: 'u2', targetingKey: 'u1' })).toBe(false);
    expect(holds({ contextName: 'country', operator: 'IN', values: ['fr'], caseInsensitive: true }, { country: 'FR' })).toBe(true);
  });
});

describe('semver operators (spec 14)', () => {
  const sv = (operator: FlagConstraint['operator'], value: string): FlagConstraint => ({ contextName: 'version', operator, value });
  it('compares by SemVer precedence', () => {
    expect(holds(sv('SEMVER_EQ', '1.2.2'), { version: '1.2.2' })).toBe(true);
    expect(holds(sv('SEMVER_EQ', '1.2.2'), { version: '1.2.3' })).toBe(false);
    expect(holds(sv('SEMVER_GT', '1.2.2'), { version: '1.2.3' })).toBe(true);
    expect(holds(sv('SEMVER_GT', '1.2.2'), { version: '1.2.2' })).toBe(false);
    expect(holds(sv('SEMVER_LT', '1.2.2'), { version: '1.2.1' })).toBe(true);
    expect(holds(sv('SEMVER_GT', '2.0.0-alpha.1'), { version: '2.0.0-alpha.2' })).toBe(true);
    expect(holds(sv('SEMVER_GT', '2.0.0-alpha.1'), { version: '2.0.0' })).toBe(true);
    expect(holds(sv('SEMVER_LT', '2.0.0'), { version: '2.0.0-beta' })).toBe(true);
    expect(holds(sv('SEMVER_LT', '2.0.0-beta.10'), { version: '2.0.0-beta.2' })).toBe(true);
    expect(holds(sv('SEMVER_EQ', '1.2.2'), { version: 'v1.2.2' })).toBe(false);
    expect(holds(sv('SEMVER_GT', 'not-a-version'), { version: '1.0.0' })).toBe(false);
  });
  it('SemVer 2.0.0 §11 ordering', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.10.0',
      '2.0.0',
    ];
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(compareSemver(ordered[i]!, ordered[i + 1]!)).toBe(-1);
      expect(compareSemver(ordered[i + 1]!, ordered[i]!)).toBe(1);
    }
    expect(compareSemver('1.0.0+build.1', '1.0.0')).toBe(0);
    expect(compareSemver('01.0.0', '1.0.0')).toBeNull();
  });
});
