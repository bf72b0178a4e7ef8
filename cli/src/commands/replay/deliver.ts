import { createHmac } from 'node:crypto';

/** What the webhook endpoint made of one delivery. */
export interface DeliveryOutcome {
  /** `accepted` (2xx, events published), `ignored` (2xx, an event DictaMesh does not ingest), `rejected` (anything else). */
  result: 'accepted' | 'ignored' | 'rejected';
  /** HTTP status; 0 when the endpoint did not answer. */
  status: number;
  /** Entity change events published. */
  events: number;
  /** The answer's code and message (rejections, ignored events), or the network error. */
  detail: string;
}

/** Options of {@link deliver}. */
export interface DeliverOptions {
  /** The Chatwoot webhook secret: signs the delivery (`X-Chatwoot-Signature`, `X-Chatwoot-Timestamp`). */
  webhookSecret?: string;
  /** Clock for the signature timestamp, ms since the epoch. */
  now?: () => number;
}

/**
 * The signature headers Chatwoot (≥ 4.11.2) sends: `X-Chatwoot-Timestamp` (seconds) and
 * `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`.
 */
export function chatwootSignature(secret: string, body: Buffer, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const hex = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return { 'x-chatwoot-timestamp': timestamp, 'x-chatwoot-signature': `sha256=${hex}` };
}

/**
 * POSTs one webhook body (raw bytes, `Content-Type: application/json`) as Chatwoot would.
 * Never throws: a refused or failed delivery is a `rejected` outcome.
 */
export async function deliver(url: string, body: Buffer, options: DeliverOptions = {}): Promise<DeliveryOutcome> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(options.webhookSecret ? chatwootSignature(options.webhookSecret, body, (options.now ?? Date.now)()) : {}),
  };
  try {
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    let answer: { accepted?: number; ignored?: boolean; code?: string; message?: string; reason?: string } = {};
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      answer = { message: text.slice(0, 200) };
    }
    const detail = [answer.code, answer.message ?? answer.reason].filter(Boolean).join(' ');
    if (!response.ok) return { result: 'rejected', status: response.status, events: 0, detail };
    if (answer.ignored) return { result: 'ignored', status: response.status, events: 0, detail };
    return { result: 'accepted', status: response.status, events: answer.accepted ?? 0, detail };
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    return { result: 'rejected', status: 0, events: 0, detail: `unreachable: ${cause}` };
  }
}
