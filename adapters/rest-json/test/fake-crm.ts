import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, startLocalServer, type LocalServer } from '../../../test/local-server';

/** A customer of the fake CRM (cursor-paginated, ISO timestamps, soft deletes). */
export interface Customer {
  id: string;
  name: string;
  email: string;
  company_id: number | null;
  updated_at: string;
  deleted_at: string | null;
}

/** A company (Link-header pagination, Unix-seconds `modified`). */
export interface Company {
  id: number;
  legal_name: string;
  modified: number;
}

/** A support ticket (offset pagination with a total, no modification time). */
export interface Ticket {
  ticket_no: number;
  subject: string;
  customer: { ref: string };
}

/**
 * A CRM-shaped JSON API on loopback that pages three ways unlike Chatwoot's page numbers:
 * - `GET /v2/customers?cursor=&limit=` → `{ data, meta: { next_cursor } }`, `updated_since` filter;
 * - `GET /v2/companies?page=&per_page=` → a bare array and an RFC 8288 `Link: rel="next"` header;
 * - `GET /v2/tickets?offset=&limit=` → `{ results, total }`.
 * Every request needs `Authorization: Bearer crm-token`.
 */
export class FakeCrm {
  customers: Customer[];
  companies: Company[];
  tickets: Ticket[];
  /** Overrides the next link of `/v2/companies` (to test a link leaving the origin). */
  companiesNextLink?: string;

  private constructor(
    readonly server: LocalServer,
    sizes: { customers: number; companies: number; tickets: number },
  ) {
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 9, minute)).toISOString();
    this.customers = Array.from({ length: sizes.customers }, (_, i) => ({
      id: `cus_${String(i + 1).padStart(3, '0')}`,
      name: `Customer ${i + 1}`,
      email: `customer${i + 1}@example.test`,
      company_id: i % 4 === 3 ? null : (i % sizes.companies) + 1,
      updated_at: at(i),
      deleted_at: null,
    }));
    this.companies = Array.from({ length: sizes.companies }, (_, i) => ({
      id: i + 1,
      legal_name: `Company ${i + 1} GmbH`,
      modified: Date.UTC(2026, 9, 1 + i) / 1_000,
    }));
    this.tickets = Array.from({ length: sizes.tickets }, (_, i) => ({
      ticket_no: 5_000 + i,
      subject: `Ticket ${i}`,
      customer: { ref: `cus_${String((i % sizes.customers) + 1).padStart(3, '0')}` },
    }));
    server.handle((req, res) => this.route(req, res));
  }

  static async start(sizes: { customers: number; companies: number; tickets: number }): Promise<FakeCrm> {
    return new FakeCrm(await startLocalServer(), sizes);
  }

  get url(): string {
    return this.server.url;
  }

  /** Paths with query of the requests received so far. */
  get requested(): string[] {
    return this.server.requests.map((r) => r.url);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    if (req.headers.authorization !== 'Bearer crm-token') return json(res, 401, { error: 'invalid token' });
    const url = new URL(req.url ?? '/', this.url);
    const q = url.searchParams;
    const one = /^\/v2\/customers\/([^/]+)$/.exec(url.pathname);
    if (one) {
      const found = this.customers.find((c) => c.id === decodeURIComponent(one[1]!));
      return found ? json(res, 200, found) : json(res, 404, { error: 'not found' });
    }
    switch (url.pathname) {
      case '/v2/customers': {
        const since = q.get('updated_since');
        const all = this.customers.filter((c) => since === null || c.updated_at > since);
        const limit = Number(q.get('limit') ?? 10);
        // opaque cursor: base64 of the index to start at
        const start = q.get('cursor') ? Number(Buffer.from(q.get('cursor')!, 'base64url').toString()) : 0;
        const data = all.slice(start, start + limit);
        const next = start + limit < all.length ? Buffer.from(String(start + limit)).toString('base64url') : null;
        return json(res, 200, { data, meta: { next_cursor: next, count: all.length } });
      }
      case '/v2/companies': {
        const page = Number(q.get('page') ?? 1);
        const perPage = Number(q.get('per_page') ?? 4);
        const items = this.companies.slice((page - 1) * perPage, page * perPage);
        const more = page * perPage < this.companies.length;
        const next = this.companiesNextLink ?? `/v2/companies?page=${page + 1}&per_page=${perPage}`;
        const link = [`</v2/companies?page=1&per_page=${perPage}>; rel="first"`, ...(more ? [`<${next}>; rel="next"`] : [])].join(', ');
        return json(res, 200, items, { link });
      }
      case '/v2/tickets': {
        const offset = Number(q.get('offset') ?? 0);
        const limit = Number(q.get('limit') ?? 3);
        return json(res, 200, { results: this.tickets.slice(offset, offset + limit), total: this.tickets.length });
      }
      case '/v2/stuck':
        // ignores `page`: always the same records
        return json(res, 200, { items: this.tickets.slice(0, 2) });
      default:
        return json(res, 404, { error: 'no route' });
    }
  }
}
