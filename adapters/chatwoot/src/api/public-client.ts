import type { HttpClient } from '@dictamesh/adapter-sdk';
import type { ChatwootRecord, RestMessage } from './types';

/**
 * Chatwoot Public (client) API for end-user apps: no token, addressed by the API inbox's
 * `inbox_identifier` and the contact's `source_id` (`contact_identifier`).
 * Source: Chatwoot 4.10 `app/controllers/public/api/v1/inboxes/*`.
 */
export class ChatwootPublicClient {
  constructor(
    private readonly http: HttpClient,
    readonly inboxIdentifier: string,
  ) {}

  private path(rest: string): string {
    return `public/api/v1/inboxes/${encodeURIComponent(this.inboxIdentifier)}/${rest}`;
  }

  /** Creates a contact; the answer's `source_id` (and `pubsub_token`) identify it afterwards. */
  async createContact(
    input: { identifier?: string; name?: string; email?: string; phone_number?: string } = {},
  ): Promise<ChatwootRecord & { source_id: string }> {
    return (await this.http.request<ChatwootRecord & { source_id: string }>({ method: 'POST', path: this.path('contacts'), body: input }))
      .body;
  }
  async getContact(contactIdentifier: string): Promise<ChatwootRecord> {
    return (await this.http.get<ChatwootRecord>(this.path(`contacts/${encodeURIComponent(contactIdentifier)}`))).body;
  }
  async updateContact(contactIdentifier: string, input: Record<string, unknown>): Promise<ChatwootRecord> {
    const path = this.path(`contacts/${encodeURIComponent(contactIdentifier)}`);
    return (await this.http.request<ChatwootRecord>({ method: 'PATCH', path, body: input })).body;
  }
  async listConversations(contactIdentifier: string): Promise<ChatwootRecord[]> {
    return (await this.http.get<ChatwootRecord[]>(this.path(`contacts/${encodeURIComponent(contactIdentifier)}/conversations`))).body;
  }
  async createConversation(contactIdentifier: string, input: Record<string, unknown> = {}): Promise<ChatwootRecord> {
    const path = this.path(`contacts/${encodeURIComponent(contactIdentifier)}/conversations`);
    return (await this.http.request<ChatwootRecord>({ method: 'POST', path, body: input })).body;
  }
  async listMessages(contactIdentifier: string, conversationId: number): Promise<RestMessage[]> {
    const path = this.path(`contacts/${encodeURIComponent(contactIdentifier)}/conversations/${conversationId}/messages`);
    return (await this.http.get<RestMessage[]>(path)).body;
  }
  async createMessage(
    contactIdentifier: string,
    conversationId: number,
    input: { content: string; echo_id?: string },
  ): Promise<RestMessage> {
    const path = this.path(`contacts/${encodeURIComponent(contactIdentifier)}/conversations/${conversationId}/messages`);
    return (await this.http.request<RestMessage>({ method: 'POST', path, body: input })).body;
  }
}
