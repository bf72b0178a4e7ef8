import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityTopic, toEntityChangeEvent } from '@dictamesh/events';
import { startTestStack, tempDataDir, type FullStack } from './harness/harness';
import { accountChange, orgToken } from './harness/identities';

// Billing through the gateway, on the embedded stack: the operator sets up organisations and a
// plan; tenants subscribe, use DictaMesh (their GraphQL operations and entity changes are
// metered by billing from the gateway's usage stream and the entity topics), and read one
// organisation object made of billing, catalog and adapters fields. Scopes are enforced by the
// gateway (@requiresScopes), organisations never see each other's billing.
const SECRET = 'test-jwt-secret-billing-0123456789abcdef-01';
const dataDir = tempDataDir();
let stack: FullStack;

type Answer = { data?: Record<string, any> | null; errors?: Array<{ message: string; path?: unknown[]; extensions?: { code?: string } }> }; // eslint-disable-line @typescript-eslint/no-explicit-any
async function as(org: string, scope: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await orgToken(SECRET, org, scope)}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer;
}
const operator = (query: string, variables?: Record<string, unknown>) => as('platform', 'dictamesh:platform', query, variables);
const TENANT = 'billing:read billing:write dictamesh:admin';
const ORG_ADMIN = 'dictamesh:admin';

const ORGANIZATION = `{
  organization {
    id name currency
    plan { code }
    subscription { status }
    usage { metric { code } quantity }
    entityCount
    adapters { id }
  }
}`;

beforeAll(async () => {
  stack = await startTestStack(dataDir, {}, { JWT_SECRET: SECRET, AUTH_ANONYMOUS_SCOPES: '', ADAPTER_SYNC_INTERVAL_MS: '0' });
  for (const input of [
    { id: 'acme', name: 'Acme Robotics', currency: 'USD' },
    { id: 'globex', name: 'Globex', currency: 'USD' },
  ]) {
    const created = await operator(`mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }`, { input });
    expect(created.errors).toBeUndefined();
  }
  const plan = await operator(`mutation ($input: CreatePlanInput!) { createPlan(input: $input) { code } }`, {
    input: {
      code: 'team',
      name: 'Team',
      currency: 'USD',
      interval: 'MONTHLY',
      fixedAmount: '49',
      charges: [
        {
          metricCode: 'graphql_operations',
          description: 'Operations',
          pricing: { model: 'standard', unitPrice: '0.001' },
          includedUnits: '1000',
        },
        { metricCode: 'kafka_events', description: 'Entity changes', pricing: { model: 'standard', unitPrice: '0.0001' } },
      ],
    },
  });
  expect(plan.errors).toBeUndefined();
}, 120_000);
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('billing through the gateway', () => {
  it('refuses billing fields and mutations to callers without the billing scopes', async () => {
    const noScope = await as('acme', 'adapters:read', `mutation { subscribe(planCode: "team") { id } }`);
    expect(noScope.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED');
    const reader = await as('acme', 'billing:read', `mutation { subscribe(planCode: "team") { id } }`);
    expect(reader.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED');
    // an organisation's administrator is not the operator: no credits, and no operator key to mint
    const tenantAsOperator = await as('acme', ORG_ADMIN, `mutation { addCredits(input: { orgId: "acme", amount: "100" }) { id } }`);
    expect(tenantAsOperator.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED');
    const operatorKey = await as(
      'acme',
      ORG_ADMIN,
      `mutation { createApiKey(input: { org: "acme", name: "x", scopes: ["dictamesh:platform"] }) { key } }`,
    );
    expect(operatorKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await stack.db.prisma.billingSubscription.count()).toBe(0);
    expect(await stack.db.prisma.creditGrant.count()).toBe(0);
  });

  it('returns one organisation with its plan, metered usage, catalog entities and adapters', async () => {
    expect((await as('acme', TENANT, `mutation { subscribe(planCode: "team") { status } }`)).data).toEqual({
      subscribe: { status: 'ACTIVE' },
    });
    await stack.bus.publish(
      entityTopic('updated'),
      ['a', 'b', 'c'].map((id) => ({
        key: `dictamesh:crm:account:${id}`,
        event: toEntityChangeEvent(accountChange(`dictamesh:crm:account:${id}`, `Account ${id}`, '2026-11-30T00:00:00.000Z'), {
          id: `acme-${id}`,
          source: '/crm/acme',
          org: 'acme',
        }),
      })),
    );
    expect(await stack.drained(15_000)).toBe(true);
    // the operations so far (subscribe, these reads) reach billing through the gateway's usage stream
    let organization: Record<string, unknown> | undefined;
    for (let i = 0; i < 100; i++) {
      const answer = await as('acme', TENANT, ORGANIZATION);
      expect(answer.errors).toBeUndefined();
      organization = answer.data!.organization;
      const usage = organization!.usage as Array<{ metric: { code: string }; quantity: string }>;
      const events = usage.find((u) => u.metric.code === 'kafka_events')?.quantity;
      const operations = Number(usage.find((u) => u.metric.code === 'graphql_operations')?.quantity ?? 0);
      if (events === '3' && operations >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(organization).toMatchObject({
      id: 'acme',
      name: 'Acme Robotics',
      currency: 'USD',
      plan: { code: 'team' },
      subscription: { status: 'ACTIVE' },
      entityCount: 3,
      adapters: [],
    });
    const usage = organization!.usage as Array<{ metric: { code: string }; quantity: string }>;
    expect(usage.find((u) => u.metric.code === 'kafka_events')?.quantity).toBe('3');
    expect(Number(usage.find((u) => u.metric.code === 'graphql_operations')?.quantity)).toBeGreaterThanOrEqual(2);
  });

  it("keeps every organisation's billing to itself", async () => {
    const globex = await as(
      'globex',
      TENANT,
      `{ organization(id: "acme") { name } acme: organization { id entityCount invoices { nodes { id } } } }`,
    );
    expect(globex.errors).toBeUndefined();
    expect(globex.data).toEqual({ organization: null, acme: { id: 'globex', entityCount: 0, invoices: { nodes: [] } } });
    const forbidden = await as('globex', TENANT, `mutation { cancelSubscription(orgId: "acme") { id } }`);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stack.db.prisma.billingSubscription.findFirstOrThrow({ where: { orgId: 'acme' } })).cancelAtPeriodEnd).toBe(false);
  });
});
