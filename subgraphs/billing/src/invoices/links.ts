import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { err } from '@dictamesh/runtime';

/** How long a download link stays valid: 15 minutes. */
export const LINK_TTL_SECONDS = 15 * 60;

/** Path of the invoice PDF route on the billing service (`:id` is the invoice id). */
export const INVOICE_PDF_PATH = '/invoices/:id/pdf';

/**
 * Signed, expiring download links for invoice PDFs (the pattern of S3 presigned URLs): the link
 * itself is the credential, so a browser can open it without the caller's API key. The query
 * carries the organisation, the expiry (Unix seconds) and `signature` = base64url
 * HMAC-SHA256(key, "{invoiceId}\n{org}\n{expires}"). The key is derived (HKDF-SHA256) from the
 * key all billing instances share (`SUBGRAPH_TOKEN_KEY`), so any instance verifies any link.
 */
export class InvoiceLinks {
  private readonly key: Buffer;

  /**
   * @param baseUrl public base URL of the billing service (`http://127.0.0.1:4004`)
   * @param sharedKey the key billing instances share; a random one when absent (links then work
   *   on this process only, until it restarts)
   */
  constructor(
    private baseUrl: string,
    sharedKey?: Uint8Array,
    private readonly now: () => Date = () => new Date(),
  ) {
    const ikm = sharedKey ?? randomBytes(32);
    this.key = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'dictamesh-billing-invoice-links', 32));
  }

  /** Sets the public base URL once it is known (a service listening on port 0 learns its port after start). */
  useBaseUrl(baseUrl: string): void {
    this.baseUrl = baseUrl;
  }

  private sign(invoiceId: string, org: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${invoiceId}\n${org}\n${expires}`).digest('base64url');
  }

  /** A link to the PDF of `invoiceId` of `org`, valid {@link LINK_TTL_SECONDS}. */
  url(invoiceId: string, org: string): string {
    const expires = Math.floor(this.now().getTime() / 1000) + LINK_TTL_SECONDS;
    const url = new URL(INVOICE_PDF_PATH.replace(':id', encodeURIComponent(invoiceId)), this.baseUrl);
    url.searchParams.set('org', org);
    url.searchParams.set('expires', String(expires));
    url.searchParams.set('signature', this.sign(invoiceId, org, expires));
    return url.toString();
  }

  /**
   * Checks a link's query.
   * @returns the organisation the link is for
   * @throws DictaMeshError `UNAUTHENTICATED` when a part is missing, the signature does not
   *   match (constant-time comparison) or the link expired
   */
  verify(invoiceId: string, query: { org?: unknown; expires?: unknown; signature?: unknown }): string {
    const { org, expires, signature } = query;
    if (typeof org !== 'string' || typeof expires !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(expires))
      throw err('UNAUTHENTICATED', 'The download link is incomplete.');
    const expected = Buffer.from(this.sign(invoiceId, org, Number(expires)));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw err('UNAUTHENTICATED', 'The download link is not valid.');
    if (Number(expires) * 1000 < this.now().getTime()) throw err('UNAUTHENTICATED', 'The download link has expired.');
    return org;
  }
}
