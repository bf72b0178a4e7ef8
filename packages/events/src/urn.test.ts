import { describe, expect, it } from 'vitest';
import { formatUrn, parseUrn } from './urn';

describe('entity URNs', () => {
  it('formats unscoped and account-scoped URNs as ARCHITECTURE.md specifies', () => {
    expect(formatUrn({ source: 'chatwoot', type: 'contact', sourceId: '42' })).toBe('dictamesh:chatwoot:contact:42');
    expect(formatUrn({ source: 'chatwoot', scope: 'account/1', type: 'contact', sourceId: '42' })).toBe(
      'dictamesh:chatwoot:account/1:contact:42',
    );
  });

  it('parses what it formats', () => {
    expect(parseUrn('dictamesh:chatwoot:account/12:conversation:214')).toEqual({
      source: 'chatwoot',
      scope: 'account/12',
      type: 'conversation',
      sourceId: '214',
    });
    expect(parseUrn('dictamesh:billing:invoice:inv_9')).toEqual({ source: 'billing', type: 'invoice', sourceId: 'inv_9' });
  });

  it.each([
    'urn:x:y',
    'dictamesh:chatwoot:contact',
    'dictamesh:Chatwoot:contact:1',
    'dictamesh:chatwoot:contact:a b',
    'dictamesh:chatwoot:bad scope:contact:1',
    '',
  ])('rejects %j with BAD_USER_INPUT on field urn', (urn) => {
    expect(() => parseUrn(urn)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'urn' } }));
  });

  it('refuses ids containing the separator', () => {
    expect(() => formatUrn({ source: 'chatwoot', type: 'contact', sourceId: 'a:b' })).toThrow(/Cannot build a URN/);
  });
});
