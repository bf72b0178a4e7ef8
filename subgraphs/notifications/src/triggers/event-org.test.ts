import { CloudEvent } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '@dictamesh/events';
import { deadLetterOrg, eventOrg } from './event-org';

const event = (extra: Record<string, unknown> = {}, data: unknown = {}) =>
  new CloudEvent<unknown>({ id: 'e1', source: '/x', type: 'dictamesh.entity.updated', data, ...extra }, false);

describe('eventOrg', () => {
  it('is the orgid extension, else the default organisation', () => {
    expect(eventOrg(event({ orgid: 'acme' }))).toBe('acme');
    expect(eventOrg(event())).toBe('default');
  });
});

describe('deadLetterOrg', () => {
  it('reads orgid, else the key of a topic keyed by organisation, else data.org; else unknown', () => {
    expect(deadLetterOrg({ key: 'dictamesh:chatwoot:contact:1', event: event({ orgid: 'acme' }) }, TOPICS.entityUpdated)).toBe('acme');
    expect(deadLetterOrg({ key: 'globex', event: event() }, TOPICS.invoiceFinalized)).toBe('globex');
    expect(deadLetterOrg({ key: 'crm-1', event: event({}, { org: 'initech' }) }, TOPICS.adapterEvent)).toBe('initech');
    expect(deadLetterOrg({ key: 'dictamesh:chatwoot:contact:1', event: event() }, TOPICS.entityUpdated)).toBeUndefined();
    expect(deadLetterOrg({ key: 'crm-1', event: undefined }, undefined)).toBeUndefined();
  });
});
