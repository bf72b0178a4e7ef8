import { describe, expect, it } from 'vitest';
import { adapterDefinitionFile } from './manifest';

describe('adapterDefinitionFile', () => {
  const conditional = { '@dictamesh/source': './src/definition.ts', default: './dist/definition.js' };

  it('picks the TypeScript source when running from source and the compiled file when compiled', () => {
    expect(adapterDefinitionFile(conditional, false)).toBe('./src/definition.ts');
    expect(adapterDefinitionFile(conditional, true)).toBe('./dist/definition.js');
  });

  it('runs from source in tests (no build constant defined)', () => {
    expect(adapterDefinitionFile(conditional)).toBe('./src/definition.ts');
  });

  it('keeps the one-file form of earlier packages for both kinds of run', () => {
    expect(adapterDefinitionFile('src/definition.ts', false)).toBe('src/definition.ts');
    expect(adapterDefinitionFile('lib/definition.js', true)).toBe('lib/definition.js');
  });

  it('declares no adapter for a missing, malformed or incomplete entry', () => {
    expect(adapterDefinitionFile(undefined)).toBeUndefined();
    expect(adapterDefinitionFile(42)).toBeUndefined();
    expect(adapterDefinitionFile({ default: './dist/definition.js' }, false)).toBeUndefined();
    expect(adapterDefinitionFile({ '@dictamesh/source': 7, default: './dist/definition.js' }, false)).toBeUndefined();
  });
});
