import {
  HttpClient,
  apiKeyHeader,
  pagedChanges,
  probeHealth,
  type AdapterCapability,
  type AdapterContext,
  type AdapterHealth,
  type ChangeBatch,
  type Checkpoint,
  type Page,
  type PagedResource,
  type ResourceAdapter,
  type StreamingAdapter,
  type SyncMode,
} from '@dictamesh/adapter-sdk';
import { ChatwootApplicationClient, PAGE_SIZE } from '../api/application-client';
import type { ChatwootRecord, ContactList, ConversationList } from '../api/types';
import type { ChatwootConfig } from '../config';
import {
  agentChange,
  inboxChange,
  restContactChange,
  restConversationChange,
  restMessageChange,
  teamChange,
  withEventId,
} from './rest-changes';

/** Resources a Chatwoot sync reads, in this order (referenced records first). */
export const CHATWOOT_RESOURCES = ['agents', 'teams', 'inboxes', 'contacts', 'conversations'] as const;
export type ChatwootResource = (typeof CHATWOOT_RESOURCES)[number];

/**
 * One Chatwoot account as a source: a backfill / incremental sync over the Application API
 * (agents, teams, inboxes, contacts page by page, conversations page by page each with all its
 * messages), resumable from a checkpoint per page, and list/get access to contacts and
 * conversations. Webhooks of the same account are handled by the webhook adapter.
 */
export class ChatwootAdapter implements StreamingAdapter, ResourceAdapter<ChatwootRecord> {
  readonly kind = 'chatwoot';
  readonly version = '0.2.0';
  readonly capabilities: readonly AdapterCapability[] = ['read', 'stream', 'webhooks', 'pagination', 'search', 'batch'];
  readonly resources = ['contacts', 'conversations'] as const;
  readonly http: HttpClient;
  readonly api: ChatwootApplicationClient;

  constructor(
    readonly id: string,
    private readonly config: ChatwootConfig,
    private readonly context: AdapterContext,
  ) {
    this.http = new HttpClient({
      baseUrl: config.baseUrl,
      auth: apiKeyHeader('api_access_token', config.apiAccessToken),
      timeoutMs: config.timeoutMs,
      ...(config.rateLimit ? { rateLimit: config.rateLimit } : {}),
      ...(context.outbound ? { outbound: context.outbound } : {}), // the SSRF guard's policy
      log: context.log,
    });
    this.api = new ChatwootApplicationClient(this.http, config.accountId);
  }

  async initialize(): Promise<void> {
    await this.api.listInboxes(); // proves the URL, token and account id
  }

  health(): Promise<AdapterHealth> {
    return probeHealth(async () => {
      await this.api.listInboxes();
      return `circuit ${this.http.circuit}`;
    });
  }

  shutdown(): Promise<void> {
    return this.http.close();
  }

  changes(from: Checkpoint | null, options: { mode: SyncMode; signal: AbortSignal }): AsyncIterable<ChangeBatch> {
    const now = new Date().toISOString();
    const a = this.config.accountId;
    const ctx = { accountId: a, occurredAt: now };
    // agents, teams and inboxes: one unpaginated list each, without timestamps
    const once = (name: ChatwootResource, load: () => Promise<ChangeBatch['changes']>): PagedResource => ({
      name,
      untimed: true,
      fetchPage: async () => ({ changes: await load(), nextCursor: null }),
    });
    const all: Record<ChatwootResource, PagedResource> = {
      agents: once('agents', async () => (await this.api.listAgents()).map((r) => withEventId(agentChange(ctx, r)))),
      teams: once('teams', async () => (await this.api.listTeams()).map((r) => withEventId(teamChange(ctx, r)))),
      inboxes: once('inboxes', async () => (await this.api.listInboxes()).map((r) => withEventId(inboxChange(ctx, r)))),
      contacts: {
        name: 'contacts',
        fetchPage: async (cursor) => {
          const { items, nextCursor } = await this.contactsPage(cursor);
          return { changes: items.map((c) => withEventId(restContactChange(a, c, now))), nextCursor };
        },
      },
      conversations: {
        name: 'conversations',
        fetchPage: async (cursor, signal) => {
          const { items, nextCursor } = await this.conversationsPage(cursor);
          const changes = [];
          for (const conversation of items) {
            if (signal.aborted) break;
            changes.push(withEventId(restConversationChange(a, conversation, now)));
            if (this.config.includeMessages) {
              for (const m of await this.api.allMessages(conversation.id)) changes.push(withEventId(restMessageChange(a, m, now)));
            }
          }
          return { changes, nextCursor };
        },
      },
    };
    return pagedChanges(
      this.config.resources.map((r) => all[r]),
      from,
      options,
    );
  }

  async list(resource: string, page: { cursor?: string | null } = {}): Promise<Page<ChatwootRecord>> {
    if (resource === 'contacts') return (await this.contactsPage(page.cursor ?? null)) as Page<ChatwootRecord>;
    if (resource === 'conversations') return (await this.conversationsPage(page.cursor ?? null)) as Page<ChatwootRecord>;
    throw new Error(`chatwoot adapter has no resource ${resource}; it serves ${this.resources.join(', ')}`);
  }

  /** A contacts page (cursor = 1-based page number): the last one when page × 15 ≥ `meta.count`. */
  private async contactsPage(cursor: string | null): Promise<Page<ContactList['payload'][number]>> {
    const page = Number(cursor ?? 1);
    const { meta, payload } = await this.api.listContacts(page);
    // `current_page` is a string or a number depending on the request: not used
    return { items: payload, nextCursor: page * PAGE_SIZE.contacts < meta.count ? String(page + 1) : null };
  }

  /** A conversations page (cursor = 1-based page number): no totals in the body, so a short page is the last one. */
  private async conversationsPage(cursor: string | null): Promise<Page<ConversationList['data']['payload'][number]>> {
    const page = Number(cursor ?? 1);
    const { data } = await this.api.listConversations({ page, status: this.config.conversationStatus });
    return { items: data.payload, nextCursor: data.payload.length === PAGE_SIZE.conversations ? String(page + 1) : null };
  }

  async get(resource: string, id: string): Promise<ChatwootRecord | null> {
    try {
      if (resource === 'contacts') return await this.api.getContact(Number(id));
      if (resource === 'conversations') return await this.api.getConversation(Number(id));
    } catch (error) {
      if ((error as { sourceStatus?: number }).sourceStatus === 404) return null;
      throw error;
    }
    throw new Error(`chatwoot adapter has no resource ${resource}; it serves ${this.resources.join(', ')}`);
  }
}
