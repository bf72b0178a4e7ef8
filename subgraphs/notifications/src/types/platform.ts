import type { NotificationChannel, NotificationPriority } from '@dictamesh/db';
import { declare, type TemplateVariable } from '../templates/variables';

/** One template of a platform type as seeded (version 1, platform-wide). */
export interface SeedTemplate {
  channel: NotificationChannel;
  locale: string;
  /** Email subject / in-app title. */
  subject: string;
  body: string;
  html?: string;
}

/** A platform notification type with its variables and default templates. */
export interface PlatformType {
  key: string;
  description: string;
  priority: NotificationPriority;
  critical: boolean;
  defaultChannels: NotificationChannel[];
  fallbackChannel: NotificationChannel | null;
  /** Declared by every template of the type (the triggers send exactly these). */
  variables: TemplateVariable[];
  templates: SeedTemplate[];
}

/** An EMAIL (subject, text, html) and an IN_APP (title, text) template in `locale`. */
function pair(locale: string, t: { subject: string; text: string; html: string; title?: string; inApp?: string }): SeedTemplate[] {
  return [
    { channel: 'EMAIL', locale, subject: t.subject, body: t.text, html: t.html },
    { channel: 'IN_APP', locale, subject: t.title ?? t.subject, body: t.inApp ?? t.text },
  ];
}

const INVOICE_VARIABLES = declare({
  invoiceId: 'STRING',
  currency: 'STRING',
  total: 'STRING',
  amountDue: 'STRING',
  'invoiceNumber?': 'STRING',
  periodStart: 'DATE',
  periodEnd: 'DATE',
  'dueAt?': 'DATE',
});

const INVOICE_REF = '{{#if invoiceNumber}}{{invoiceNumber}}{{else}}{{invoiceId}}{{/if}}';
const PERIOD = '{{formatDate periodStart "date"}} – {{formatDate periodEnd "date"}}';

/** The three invoice types: finalized, paid, voided (English; finalized also French). */
function invoiceType(event: 'finalized' | 'paid' | 'voided'): PlatformType {
  const verb = { finalized: 'is ready', paid: 'was paid', voided: 'was voided' }[event];
  const line = {
    finalized: `Total {{total}}, amount due {{amountDue}}{{#if dueAt}} by {{formatDate dueAt "date"}}{{/if}}.`,
    paid: 'Total {{total}} received, thank you.',
    voided: 'It no longer needs to be paid (total was {{total}}).',
  }[event];
  const templates = pair('en', {
    subject: `Invoice ${INVOICE_REF} ${verb}`,
    text: `Invoice ${INVOICE_REF} for ${PERIOD} ${verb}.\n${line}\n`,
    html: `<p>Invoice <strong>${INVOICE_REF}</strong> for ${PERIOD} ${verb}.</p>\n<p>${line}</p>\n`,
  });
  if (event === 'finalized') {
    const fr = `Montant total {{total}}, reste à payer {{amountDue}}{{#if dueAt}} avant le {{formatDate dueAt "date"}}{{/if}}.`;
    templates.push(
      ...pair('fr', {
        subject: `Votre facture ${INVOICE_REF} est disponible`,
        text: `Votre facture ${INVOICE_REF} pour la période du ${PERIOD} est disponible.\n${fr}\n`,
        html: `<p>Votre facture <strong>${INVOICE_REF}</strong> pour la période du ${PERIOD} est disponible.</p>\n<p>${fr}</p>\n`,
      }),
    );
  }
  return {
    key: `billing.invoice.${event}`,
    description: `An invoice ${verb.replace('is ready', 'was finalized')}.`,
    priority: 'NORMAL',
    critical: false,
    defaultChannels: ['EMAIL', 'IN_APP'],
    fallbackChannel: null,
    variables: INVOICE_VARIABLES,
    templates,
  };
}

/**
 * The platform's notification types (contracts of issue 15: keys and variables are fixed, the
 * triggers send exactly these variables), each with `en` EMAIL and IN_APP templates.
 */
export const PLATFORM_TYPES: readonly PlatformType[] = [
  {
    key: 'entity.changed',
    description: 'An entity matching one of your rules changed.',
    priority: 'NORMAL',
    critical: false,
    defaultChannels: ['IN_APP', 'EMAIL'],
    fallbackChannel: null,
    variables: declare({
      ruleName: 'STRING',
      operation: 'STRING',
      entityUrn: 'STRING',
      entityType: 'STRING',
      source: 'STRING',
      'entityName?': 'STRING',
      'changedFields?': 'ARRAY',
      occurredAt: 'DATE',
    }),
    templates: pair('en', {
      subject: '{{entityType}} {{#if entityName}}{{entityName}}{{else}}{{entityUrn}}{{/if}} was {{operation}}',
      text:
        '{{entityType}} {{#if entityName}}"{{entityName}}" ({{entityUrn}}){{else}}{{entityUrn}}{{/if}} was {{operation}} in {{source}} at {{formatDate occurredAt}}.\n' +
        '{{#if changedFields}}Changed: {{join changedFields ", "}}\n{{/if}}' +
        'You receive this because of your rule "{{ruleName}}".\n',
      html:
        '<p>{{entityType}} <strong>{{#if entityName}}{{entityName}}{{else}}{{entityUrn}}{{/if}}</strong> was {{operation}} in {{source}} at {{formatDate occurredAt}}.</p>\n' +
        '{{#if changedFields}}<p>Changed: {{#each changedFields}}{{#if @index}}, {{/if}}<code>{{this}}</code>{{/each}}</p>\n{{/if}}' +
        '<p><small>URN {{entityUrn}} · rule "{{ruleName}}"</small></p>\n',
      inApp:
        '{{entityType}} {{#if entityName}}"{{entityName}}"{{else}}{{entityUrn}}{{/if}} was {{operation}} in {{source}}{{#if changedFields}} ({{join changedFields ", "}}){{/if}}.',
    }),
  },
  invoiceType('finalized'),
  invoiceType('paid'),
  invoiceType('voided'),
  {
    key: 'billing.payment.failed',
    description: 'A payment attempt failed: the invoice is still due.',
    priority: 'CRITICAL',
    critical: true,
    defaultChannels: ['EMAIL', 'IN_APP'],
    fallbackChannel: 'SMS',
    variables: declare({
      invoiceId: 'STRING',
      amount: 'STRING',
      currency: 'STRING',
      provider: 'STRING',
      'invoiceNumber?': 'STRING',
      'failureMessage?': 'STRING',
    }),
    templates: pair('en', {
      subject: `Payment of {{amount}} failed for invoice ${INVOICE_REF}`,
      text: `The payment of {{amount}} for invoice ${INVOICE_REF} through {{provider}} failed{{#if failureMessage}}: {{failureMessage}}{{/if}}.\nPlease update your payment method: the invoice is still due.\n`,
      html: `<p>The payment of <strong>{{amount}}</strong> for invoice ${INVOICE_REF} through {{provider}} failed{{#if failureMessage}}: {{failureMessage}}{{/if}}.</p>\n<p>Please update your payment method: the invoice is still due.</p>\n`,
      inApp: `Payment of {{amount}} for invoice ${INVOICE_REF} failed{{#if failureMessage}}: {{failureMessage}}{{/if}}. Update your payment method.`,
    }),
  },
  {
    key: 'billing.usage.threshold_reached',
    description: 'Usage of a metered metric reached a threshold of the plan.',
    priority: 'HIGH',
    critical: false,
    defaultChannels: ['EMAIL', 'IN_APP'],
    fallbackChannel: null,
    variables: declare({ metricCode: 'STRING', threshold: 'NUMBER', usage: 'STRING', included: 'STRING', periodEnd: 'DATE' }),
    templates: pair('en', {
      subject: 'Usage of {{metricCode}} reached {{formatNumber threshold}}%',
      text: 'Usage of {{metricCode}} is {{usage}} of {{included}} included ({{formatNumber threshold}}% threshold) for the period ending {{formatDate periodEnd "date"}}.\n',
      html: '<p>Usage of <code>{{metricCode}}</code> is <strong>{{usage}}</strong> of {{included}} included ({{formatNumber threshold}}% threshold) for the period ending {{formatDate periodEnd "date"}}.</p>\n',
    }),
  },
  {
    key: 'adapter.unhealthy',
    description: 'An adapter reported itself unhealthy.',
    priority: 'HIGH',
    critical: false,
    defaultChannels: ['IN_APP', 'EMAIL'],
    fallbackChannel: 'SMS',
    variables: declare({ adapterId: 'STRING', kind: 'STRING', status: 'STRING', 'message?': 'STRING', occurredAt: 'DATE' }),
    templates: pair('en', {
      subject: 'Adapter {{adapterId}} is {{status}}',
      text: 'The {{kind}} adapter {{adapterId}} reported status {{status}} at {{formatDate occurredAt}}{{#if message}}: {{message}}{{/if}}.\n',
      html: '<p>The {{kind}} adapter <strong>{{adapterId}}</strong> reported status <strong>{{status}}</strong> at {{formatDate occurredAt}}{{#if message}}: {{message}}{{/if}}.</p>\n',
    }),
  },
  {
    key: 'adapter.sync_failed',
    description: 'An adapter synchronisation failed.',
    priority: 'HIGH',
    critical: false,
    defaultChannels: ['IN_APP', 'EMAIL'],
    fallbackChannel: null,
    variables: declare({ adapterId: 'STRING', kind: 'STRING', 'error?': 'STRING', occurredAt: 'DATE' }),
    templates: pair('en', {
      subject: 'Synchronisation of adapter {{adapterId}} failed',
      text: 'The synchronisation of the {{kind}} adapter {{adapterId}} failed at {{formatDate occurredAt}}{{#if error}}: {{error}}{{/if}}.\n',
      html: '<p>The synchronisation of the {{kind}} adapter <strong>{{adapterId}}</strong> failed at {{formatDate occurredAt}}{{#if error}}: {{error}}{{/if}}.</p>\n',
    }),
  },
  {
    key: 'dlq.dead_letter',
    description: 'An event was dead-lettered after its retries.',
    priority: 'NORMAL',
    critical: false,
    defaultChannels: ['IN_APP', 'EMAIL'],
    fallbackChannel: null,
    variables: declare({ topic: 'STRING', consumerGroup: 'STRING', error: 'STRING', attempts: 'NUMBER', occurredAt: 'DATE' }),
    templates: pair('en', {
      subject: 'Dead letter on {{topic}}',
      text: 'Consumer group {{consumerGroup}} gave up on a record of {{topic}} after {{attempts}} attempts at {{formatDate occurredAt}}: {{error}}\n',
      html: '<p>Consumer group <code>{{consumerGroup}}</code> gave up on a record of <code>{{topic}}</code> after {{attempts}} attempts at {{formatDate occurredAt}}:</p>\n<pre>{{error}}</pre>\n',
    }),
  },
  {
    key: 'notifications.test',
    description: 'A test notification (sendTestNotification).',
    priority: 'NORMAL',
    critical: false,
    defaultChannels: [],
    fallbackChannel: null,
    variables: declare({ channel: 'STRING', requestedBy: 'STRING' }),
    templates: pair('en', {
      subject: 'DictaMesh test notification ({{channel}})',
      text: 'This is a test notification on {{channel}}, requested by {{requestedBy}}. It works.\n',
      html: '<p>This is a test notification on <strong>{{channel}}</strong>, requested by {{requestedBy}}. It works.</p>\n',
    }),
  },
  {
    key: 'notifications.digest',
    description: 'A digest of the notifications of one type in one window.',
    priority: 'NORMAL',
    critical: false,
    defaultChannels: [],
    fallbackChannel: null,
    variables: declare({ type: 'STRING', count: 'NUMBER', more: 'NUMBER', items: 'ARRAY', windowStart: 'DATE', windowEnd: 'DATE' }),
    templates: pair('en', {
      subject: '{{count}} {{type}} notifications',
      text:
        '{{count}} notifications of type {{type}} between {{formatDate windowStart}} and {{formatDate windowEnd}}:\n\n' +
        '{{#each items}}- {{title}} ({{formatDate createdAt}})\n  {{body}}\n{{/each}}' +
        '{{#if more}}…and {{more}} more.\n{{/if}}',
      html:
        '<p>{{count}} notifications of type <code>{{type}}</code> between {{formatDate windowStart}} and {{formatDate windowEnd}}:</p>\n' +
        '<ul>\n{{#each items}}<li><strong>{{title}}</strong> <small>{{formatDate createdAt}}</small><br>{{body}}</li>\n{{/each}}</ul>\n' +
        '{{#if more}}<p>…and {{more}} more.</p>\n{{/if}}',
      inApp:
        '{{count}} notifications of type {{type}}{{#if more}} ({{more}} not listed){{/if}}: {{#each items}}{{#if @index}}; {{/if}}{{title}}{{/each}}',
    }),
  },
];

/** Keys of the platform's types. */
export const PLATFORM_TYPE_KEYS = [
  'entity.changed',
  'billing.invoice.finalized',
  'billing.invoice.paid',
  'billing.invoice.voided',
  'billing.payment.failed',
  'billing.usage.threshold_reached',
  'adapter.unhealthy',
  'adapter.sync_failed',
  'dlq.dead_letter',
  'notifications.test',
  'notifications.digest',
] as const;

/** One of {@link PLATFORM_TYPE_KEYS}. */
export type PlatformTypeKey = (typeof PLATFORM_TYPE_KEYS)[number];
