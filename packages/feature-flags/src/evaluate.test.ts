import { describe, expect, it } from 'vitest';
import { evaluateFlag } from './evaluate';
import { normalizedValue, VARIANT_HASH_SEED } from './hash';
import type { EvaluationContext, FlagDefinition, FlagRule, FlagVariant } from './types';

// Vectors from Unleash's client specification (github.com/Unleash/client-specification,
// specifications/08, 10, 12 and 16): flag names, contexts and expected outcomes.

/** An Unleash toggle with one flexible-rollout strategy, as a boolean flag. */
function rollout(rule: FlagRule, variants?: FlagVariant[]): FlagDefinition {
  return { type: 'boolean', enabled: true, defaultValue: false, rules: [rule], ...(variants ? { variants } : {}) };
}

const noRandom = () => {
  throw new Error('random stickiness used');
};

describe('normalizedValue (Unleash)', () => {
  it('buckets Feature.flexibleRollout.10 subjects 174 and 499', () => {
    expect(normalizedValue('174', 'Feature.flexibleRollout.10')).toBe(10);
    expect(normalizedValue('499', 'Feature.flexibleRollout.10')).toBe(32);
  });
  it('stays within 1..normalizer', () => {
    for (let i = 0; i < 500; i++) {
      const v = normalizedValue(String(i), 'g', 7, VARIANT_HASH_SEED);
      expect(v).toBeGreaterThanOrEqual(1);
      expect(v).toBeLessThanOrEqual(7);
    }
  });
});

describe('flexible rollout (spec 10)', () => {
  const flag10 = rollout({ rollout: 10, stickiness: 'default', groupId: 'Feature.flexibleRollout.10' });
  const eval10 = (context: EvaluationContext) =>
    evaluateFlag(flag10, context, 'boolean', { key: 'Feature.flexibleRollout.10', random: noRandom });

  it('enables userId 174 and not 499 at 10 %', () => {
    expect(eval10({ userId: '174' })).toEqual({ value: true, reason: 'SPLIT' });
    expect(eval10({ userId: '499' })).toEqual({ value: false, reason: 'DEFAULT' });
  });
  it('uses targetingKey as userId and sessionId when there is none', () => {
    expect(eval10({ targetingKey: '174' }).value).toBe(true);
    expect(eval10({ targetingKey: '499' }).value).toBe(false);
    expect(eval10({ sessionId: '174' }).value).toBe(true);
    expect(eval10({ sessionId: '499' }).value).toBe(false);
  });
  it('uses the flag key as default groupId', () => {
    const flag = rollout({ rollout: 10 });
    expect(evaluateFlag(flag, { userId: '174' }, 'boolean', { key: 'Feature.flexibleRollout.10' }).value).toBe(true);
    expect(evaluateFlag(flag, { userId: '499' }, 'boolean', { key: 'Feature.flexibleRollout.10' }).value).toBe(false);
  });
  it('enables everyone at 100 %, even without a context', () => {
    expect(evaluateFlag(rollout({ rollout: 100, groupId: 'Feature.flexibleRollout.100' }), {}, 'boolean').value).toBe(true);
  });
  it('follows explicit userId / sessionId stickiness', () => {
    const user55 = rollout({ rollout: 55, stickiness: 'userId', groupId: 'Feature.flexibleRollout.userId.55' });
    expect(evaluateFlag(user55, { userId: '25' }).value).toBe(true);
    expect(evaluateFlag(user55, { sessionId: '25' }).value).toBe(false);
    expect(evaluateFlag(user55, {}).value).toBe(false);
    const session42 = rollout({ rollout: 42, stickiness: 'sessionId', groupId: 'Feature.flexibleRollout.sessionId.42' });
    expect(evaluateFlag(session42, { sessionId: '147' }).value).toBe(true);
  });
  it('follows a custom stickiness field (spec 12)', () => {
    const custom50 = rollout({ rollout: 50, stickiness: 'customField', groupId: 'Feature.flexible.rollout.custom.stickiness_50' });
    expect(evaluateFlag(custom50, {}).value).toBe(false);
    expect(evaluateFlag(custom50, { customField: '402' }).value).toBe(false);
    expect(evaluateFlag(custom50, { customField: '388' }).value).toBe(true);
    expect(evaluateFlag(custom50, { customField: '39' }).value).toBe(true);
  });
  it('never enables at rollout 0 and uses random stickiness without ids', () => {
    expect(evaluateFlag(rollout({ rollout: 0 }), { userId: '174' }).value).toBe(false);
    const random = rollout({ rollout: 50, stickiness: 'random', groupId: 'g' });
    // random() 0.5 → id "5001"; the bucket decides
    const bucket = normalizedValue('5001', 'g');
    expect(evaluateFlag(random, {}, 'boolean', { random: () => 0.5 }).value).toBe(bucket <= 50);
    expect(evaluateFlag(rollout({ rollout: 50, groupId: 'g' }), {}, 'boolean', { random: () => 0.5 }).value).toBe(bucket <= 50);
  });
});

describe('variants (specs 08, 12, 16)', () => {
  const v = (name: string, weight: number, value: string, stickiness?: string): FlagVariant => ({
    name,
    weight,
    value,
    ...(stickiness ? { stickiness } : {}),
  });
  const stringFlag = (variants: FlagVariant[], rules: FlagRule[] = []): FlagDefinition => ({
    type: 'string',
    enabled: true,
    defaultValue: 'off',
    rules,
    variants,
  });
  const pick = (flag: FlagDefinition, key: string, context: EvaluationContext) =>
    evaluateFlag(flag, context, 'string', { key, random: noRandom });

  it('Feature.Variants.B (1:1)', () => {
    const flag = stringFlag([v('variant1', 1, 'val1'), v('variant2', 1, 'val2')]);
    expect(pick(flag, 'Feature.Variants.B', { userId: '2' })).toEqual({ value: 'val1', variant: 'variant1', reason: 'SPLIT' });
    expect(pick(flag, 'Feature.Variants.B', { userId: '0' })).toEqual({ value: 'val2', variant: 'variant2', reason: 'SPLIT' });
  });
  it('Feature.Variants.C (33:33:33)', () => {
    const flag = stringFlag([v('variant1', 33, 'val1'), v('variant2', 33, 'val2'), v('variant3', 33, 'val3')]);
    expect(pick(flag, 'Feature.Variants.C', { userId: '315' }).variant).toBe('variant1');
    expect(pick(flag, 'Feature.Variants.C', { userId: '320' }).variant).toBe('variant2');
    expect(pick(flag, 'Feature.Variants.C', { userId: '729' }).variant).toBe('variant3');
  });
  it('Feature.Variants.D (1:49:50)', () => {
    const flag = stringFlag([v('variant1', 1, 'val1'), v('variant2', 49, 'val2'), v('variant3', 50, 'val3')]);
    expect(pick(flag, 'Feature.Variants.D', { userId: '367' }).variant).toBe('variant1');
    expect(pick(flag, 'Feature.Variants.D', { userId: '31' }).variant).toBe('variant2');
    expect(pick(flag, 'Feature.Variants.D', { userId: '19' }).variant).toBe('variant3');
  });
  it('a 0 % rollout with variants stays off (Feature.Variants.G)', () => {
    const flag = stringFlag([v('variant1', 1, 'val1')], [{ rollout: 0, groupId: 'feature-variant-g' }]);
    expect(pick(flag, 'Feature.Variants.G', { userId: '0' })).toEqual({ value: 'off', reason: 'DEFAULT' });
  });
  it('custom variant stickiness (spec 12)', () => {
    const colours = ['blue', 'red', 'green', 'yellow'].map((name) => v(name, 25, name, 'customField'));
    const flag = stringFlag(colours, [
      { rollout: 100, stickiness: 'customField', groupId: 'Feature.flexible.rollout.custom.stickiness_100' },
    ]);
    const key = 'Feature.flexible.rollout.custom.stickiness_100';
    expect(pick(flag, key, { customField: '528' }).variant).toBe('blue');
    expect(pick(flag, key, { customField: '16' }).variant).toBe('blue');
    expect(pick(flag, key, { customField: '198' }).variant).toBe('red');
    expect(pick(flag, key, { customField: '43' }).variant).toBe('green');
    expect(pick(flag, key, { customField: '112' }).variant).toBe('yellow');
  });
  it('rule variants hash on the rule group and win over the flag variants (spec 16)', () => {
    const flag = stringFlag(
      [v('featureVariant', 1, 'willBeIgnored')],
      [{ rollout: 100, groupId: 'a', variants: [v('variantNameA', 1, 'variantValueA'), v('variantNameB', 1, 'variantValueB')] }],
    );
    expect(pick(flag, 'Feature.strategy.multiple.variants', { userId: '5' })).toEqual({
      value: 'variantValueA',
      variant: 'variantNameA',
      reason: 'SPLIT',
    });
    expect(pick(flag, 'Feature.strategy.multiple.variants', { userId: '0' }).variant).toBe('variantNameB');
  });
  it('a rule with a constraint and no variants falls back to the flag variants (spec 16)', () => {
    const flag = stringFlag(
      [v('featureVariant', 1, 'fallbackValue')],
      [{ constraints: [{ contextName: 'environment', operator: 'IN', values: ['dev'] }] }],
    );
    expect(pick(flag, 'Feature.strategy.variant.fallback', { environment: 'dev', userId: '1' })).toEqual({
      value: 'fallbackValue',
      variant: 'featureVariant',
      reason: 'SPLIT',
    });
    expect(pick(flag, 'Feature.strategy.variant.fallback', { environment: 'not-dev', userId: '1' })).toEqual({
      value: 'off',
      reason: 'DEFAULT',
    });
  });
  it('0-weight variants are never picked', () => {
    const flag = stringFlag([v('never', 0, 'x'), v('always', 3, 'y')]);
    for (let i = 0; i < 50; i++) expect(pick(flag, 'k', { userId: String(i) }).variant).toBe('always');
  });
});

describe('evaluateFlag outcomes', () => {
  const flag: FlagDefinition = {
    type: 'number',
    enabled: true,
    defaultValue: 10,
    offValue: 0,
    rules: [
      { name: 'beta', constraints: [{ contextName: 'plan', operator: 'IN', values: ['beta'] }], value: 50 },
      { name: 'half', rollout: 50, value: 20 },
    ],
  };
  it('answers the first matching rule, else the default', () => {
    expect(evaluateFlag(flag, { plan: 'beta', userId: '1' }, 'number', { key: 'n' })).toEqual({ value: 50, reason: 'TARGETING_MATCH' });
    const ids = Array.from({ length: 40 }, (_, i) => String(i));
    const split = ids.map((id) => evaluateFlag(flag, { userId: id }, 'number', { key: 'n' }));
    for (const [i, r] of split.entries()) {
      const inside = normalizedValue(ids[i]!, 'n') <= 50;
      expect(r).toEqual(inside ? { value: 20, reason: 'SPLIT' } : { value: 10, reason: 'DEFAULT' });
    }
  });
  it('answers offValue when disabled, defaultValue when no offValue', () => {
    expect(evaluateFlag({ ...flag, enabled: false }, { plan: 'beta' })).toEqual({ value: 0, reason: 'DISABLED' });
    const { offValue: _, ...noOff } = flag;
    expect(evaluateFlag({ ...noOff, enabled: false }, {})).toEqual({ value: 10, reason: 'DISABLED' });
  });
  it('answers STATIC without rules', () => {
    expect(evaluateFlag({ type: 'boolean', enabled: true, defaultValue: true, rules: [] }, {}, 'boolean')).toEqual({
      value: true,
      reason: 'STATIC',
    });
  });
  it('refuses another type with TYPE_MISMATCH', () => {
    expect(evaluateFlag(flag, {}, 'boolean')).toEqual({
      value: null,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
      errorMessage: 'flag is of type number, not boolean',
    });
  });
  it('answers GENERAL for a definition of the wrong shape instead of throwing', () => {
    const broken = { type: 'boolean', enabled: true, defaultValue: false, rules: [null] } as unknown as FlagDefinition;
    expect(evaluateFlag(broken, {})).toMatchObject({ value: null, reason: 'ERROR', errorCode: 'GENERAL' });
  });
  it('a matching boolean rule without value answers true', () => {
    const b: FlagDefinition = {
      type: 'boolean',
      enabled: true,
      defaultValue: false,
      rules: [{ constraints: [{ contextName: 'country', operator: 'IN', values: ['FR'] }] }],
    };
    expect(evaluateFlag(b, { country: 'FR' })).toEqual({ value: true, reason: 'TARGETING_MATCH' });
    expect(evaluateFlag(b, { country: 'DE' })).toEqual({ value: false, reason: 'DEFAULT' });
  });
});
