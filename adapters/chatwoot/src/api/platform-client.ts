import type { HttpClient } from '@dictamesh/adapter-sdk';
import type { ChatwootRecord } from './types';

/**
 * Chatwoot Platform API (`/platform/api/v1/…`, header `api_access_token` of a platform app).
 * A platform token reads only the accounts, users and bots its app created.
 * Source: Chatwoot 4.10 `app/controllers/platform/api/v1/*`.
 */
export class ChatwootPlatformClient {
  constructor(private readonly http: HttpClient) {}

  async getAccount(id: number): Promise<ChatwootRecord> {
    return (await this.http.get<ChatwootRecord>(`platform/api/v1/accounts/${id}`)).body;
  }
  async createAccount(input: { name: string } & Record<string, unknown>): Promise<ChatwootRecord> {
    return (await this.http.request<ChatwootRecord>({ method: 'POST', path: 'platform/api/v1/accounts', body: input })).body;
  }
  async updateAccount(id: number, input: Record<string, unknown>): Promise<ChatwootRecord> {
    return (await this.http.request<ChatwootRecord>({ method: 'PATCH', path: `platform/api/v1/accounts/${id}`, body: input })).body;
  }
  async deleteAccount(id: number): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `platform/api/v1/accounts/${id}` });
  }
  async listAccountUsers(accountId: number): Promise<Array<{ account_id: number; user_id: number; role: string }>> {
    return (
      await this.http.get<Array<{ account_id: number; user_id: number; role: string }>>(
        `platform/api/v1/accounts/${accountId}/account_users`,
      )
    ).body;
  }
  async addAccountUser(accountId: number, userId: number, role: 'administrator' | 'agent'): Promise<ChatwootRecord> {
    const path = `platform/api/v1/accounts/${accountId}/account_users`;
    return (await this.http.request<ChatwootRecord>({ method: 'POST', path, body: { user_id: userId, role } })).body;
  }
  async removeAccountUser(accountId: number, userId: number): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `platform/api/v1/accounts/${accountId}/account_users`, body: { user_id: userId } });
  }
  async listAgentBots(): Promise<ChatwootRecord[]> {
    return (await this.http.get<ChatwootRecord[]>('platform/api/v1/agent_bots')).body;
  }
  async createAgentBot(input: { name: string; outgoing_url?: string } & Record<string, unknown>): Promise<ChatwootRecord> {
    return (await this.http.request<ChatwootRecord>({ method: 'POST', path: 'platform/api/v1/agent_bots', body: input })).body;
  }
  async getUser(id: number): Promise<ChatwootRecord> {
    return (await this.http.get<ChatwootRecord>(`platform/api/v1/users/${id}`)).body;
  }
  async createUser(input: { name: string; email: string; password: string } & Record<string, unknown>): Promise<ChatwootRecord> {
    return (await this.http.request<ChatwootRecord>({ method: 'POST', path: 'platform/api/v1/users', body: input })).body;
  }
}
