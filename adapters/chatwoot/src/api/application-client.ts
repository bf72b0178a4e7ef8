import type { HttpClient } from '@dictamesh/adapter-sdk';
import type { ChatwootRecord, ContactList, ConversationList, ConversationStatus, FilterCondition, MessageList, RestMessage } from './types';

/** Page sizes fixed by Chatwoot (`RESULTS_PER_PAGE`, `CONVERSATION_RESULTS_PER_PAGE`, message finder). */
export const PAGE_SIZE = { contacts: 15, conversations: 25, messages: 20 } as const;

/**
 * Chatwoot Application API (`/api/v1/accounts/{account_id}/…`, header `api_access_token`
 * of a user or agent bot). Conversation ids are the per-account `display_id`. Errors are the
 * SDK client's (`SourceHttpError`, `SourceTimeoutError`, `SourceUnavailableError`).
 * Source: Chatwoot 4.10 `config/routes.rb`, `app/controllers/api/v1/accounts/*`.
 */
export class ChatwootApplicationClient {
  constructor(
    private readonly http: HttpClient,
    readonly accountId: number,
  ) {}

  private path(rest: string): string {
    return `api/v1/accounts/${this.accountId}/${rest}`;
  }

  // contacts
  /** One page (1-based) of contacts that have an email, phone number or identifier. */
  async listContacts(page = 1, sort?: string): Promise<ContactList> {
    return (await this.http.get<ContactList>(this.path('contacts'), { page, sort })).body;
  }
  async searchContacts(q: string, page = 1): Promise<ContactList> {
    return (await this.http.get<ContactList>(this.path('contacts/search'), { q, page })).body;
  }
  async filterContacts(conditions: FilterCondition[], page = 1): Promise<ContactList> {
    return (
      await this.http.request<ContactList>({
        method: 'POST',
        path: this.path('contacts/filter'),
        query: { page },
        body: { payload: conditions },
      })
    ).body;
  }
  async getContact(id: number): Promise<ChatwootRecord> {
    return (await this.http.get<{ payload: ChatwootRecord }>(this.path(`contacts/${id}`))).body.payload;
  }
  async createContact(input: Record<string, unknown>): Promise<ChatwootRecord> {
    const body = (
      await this.http.request<{ payload: { contact: ChatwootRecord } }>({ method: 'POST', path: this.path('contacts'), body: input })
    ).body;
    return body.payload.contact;
  }
  async updateContact(id: number, input: Record<string, unknown>): Promise<ChatwootRecord> {
    return (await this.http.request<{ payload: ChatwootRecord }>({ method: 'PUT', path: this.path(`contacts/${id}`), body: input })).body
      .payload;
  }
  async deleteContact(id: number): Promise<void> {
    await this.http.request({ method: 'DELETE', path: this.path(`contacts/${id}`) });
  }

  // conversations
  /** One page (1-based, 25 each) of conversations; `status: 'all'` for every status. */
  async listConversations(
    options: { page?: number; status?: ConversationStatus; assigneeType?: 'me' | 'unassigned' | 'all' | 'assigned' } = {},
  ): Promise<ConversationList> {
    const query = { page: options.page ?? 1, status: options.status, assignee_type: options.assigneeType };
    return (await this.http.get<ConversationList>(this.path('conversations'), query)).body;
  }
  async filterConversations(conditions: FilterCondition[], page = 1): Promise<ConversationList['data']> {
    const body = await this.http.request<ConversationList['data']>({
      method: 'POST',
      path: this.path('conversations/filter'),
      query: { page },
      body: { payload: conditions },
    });
    return body.body;
  }
  async getConversation(displayId: number): Promise<ChatwootRecord> {
    return (await this.http.get<ChatwootRecord>(this.path(`conversations/${displayId}`))).body;
  }
  async createConversation(
    input: { source_id: string; inbox_id: number; contact_id?: number; message?: { content: string } } & Record<string, unknown>,
  ): Promise<ChatwootRecord> {
    return (await this.http.request<ChatwootRecord>({ method: 'POST', path: this.path('conversations'), body: input })).body;
  }
  /** Assigns to an agent and/or a team (`null` unassigns). */
  async assign(displayId: number, to: { assigneeId?: number | null; teamId?: number | null }): Promise<ChatwootRecord> {
    const body = {
      ...(to.assigneeId !== undefined ? { assignee_id: to.assigneeId } : {}),
      ...(to.teamId !== undefined ? { team_id: to.teamId } : {}),
    };
    return (await this.http.request<ChatwootRecord>({ method: 'POST', path: this.path(`conversations/${displayId}/assignments`), body }))
      .body;
  }
  async toggleStatus(displayId: number, status: Exclude<ConversationStatus, 'all'>): Promise<ChatwootRecord> {
    return (
      await this.http.request<ChatwootRecord>({
        method: 'POST',
        path: this.path(`conversations/${displayId}/toggle_status`),
        body: { status },
      })
    ).body;
  }
  async listLabels(displayId: number): Promise<string[]> {
    return (await this.http.get<{ payload: string[] }>(this.path(`conversations/${displayId}/labels`))).body.payload;
  }
  /** Replaces the conversation's labels. */
  async setLabels(displayId: number, labels: string[]): Promise<string[]> {
    return (
      await this.http.request<{ payload: string[] }>({
        method: 'POST',
        path: this.path(`conversations/${displayId}/labels`),
        body: { labels },
      })
    ).body.payload;
  }

  // messages
  /** 20 messages before `before` (a message id), oldest first; the newest 20 without it. */
  async listMessages(displayId: number, options: { before?: number; after?: number } = {}): Promise<MessageList> {
    return (await this.http.get<MessageList>(this.path(`conversations/${displayId}/messages`), options)).body;
  }
  /** Every message of a conversation, oldest first, paging backwards with `before`. */
  async allMessages(displayId: number): Promise<RestMessage[]> {
    const pages: RestMessage[][] = [];
    let before: number | undefined;
    for (;;) {
      const { payload } = await this.listMessages(displayId, before === undefined ? {} : { before });
      pages.unshift(payload);
      if (payload.length < PAGE_SIZE.messages) return pages.flat();
      before = payload[0]!.id;
    }
  }
  async createMessage(
    displayId: number,
    input: { content: string; message_type?: 'outgoing' | 'incoming'; private?: boolean },
  ): Promise<RestMessage> {
    return (await this.http.request<RestMessage>({ method: 'POST', path: this.path(`conversations/${displayId}/messages`), body: input }))
      .body;
  }

  // account resources (not paginated)
  async listInboxes(): Promise<ChatwootRecord[]> {
    return (await this.http.get<{ payload: ChatwootRecord[] }>(this.path('inboxes'))).body.payload;
  }
  async listTeams(): Promise<ChatwootRecord[]> {
    return (await this.http.get<ChatwootRecord[]>(this.path('teams'))).body;
  }
  async listAgents(): Promise<ChatwootRecord[]> {
    return (await this.http.get<ChatwootRecord[]>(this.path('agents'))).body;
  }
  async listCannedResponses(search?: string): Promise<ChatwootRecord[]> {
    return (await this.http.get<ChatwootRecord[]>(this.path('canned_responses'), { search })).body;
  }
}
