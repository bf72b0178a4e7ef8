import {
  HttpClient,
  SourceHttpError,
  apiKeyHeader,
  bearerToken,
  oauth2ClientCredentials,
  pagedChanges,
  probeHealth,
  type AdapterCapability,
  type AdapterContext,
  type AdapterHealth,
  type AuthProvider,
  type ChangeBatch,
  type Checkpoint,
  type Page,
  type PagedCheckpoint,
  type PagedResource,
  type ResourceAdapter,
  type StreamingAdapter,
  type SyncMode,
} from '@dictamesh/adapter-sdk';
import type { RestJsonConfig, RestResource } from './config';
import { readPath } from './fields';
import { listTotal, nextCursor, pageRequest } from './pagination';
import { recordChange } from './records';

type Json = Record<string, unknown>;

/**
 * Any JSON API described by configuration ({@link RestJsonConfig}): each resource is a list
 * endpoint read page by page in its pagination style, its records turned into entity changes
 * by the configured id / updated-at / display-name / deleted / reference fields. Backfills are
 * resumable per page; incremental runs send the watermark in `updatedSinceParam` when the
 * source can filter, and otherwise re-read but publish only records newer than the watermark.
 */
export class RestJsonAdapter implements StreamingAdapter, ResourceAdapter<Json> {
  readonly kind = 'rest-json';
  readonly version = '0.1.0';
  readonly capabilities: readonly AdapterCapability[] = ['read', 'stream', 'pagination', 'batch'];
  readonly resources: readonly string[];
  readonly http: HttpClient;

  constructor(
    readonly id: string,
    private readonly config: RestJsonConfig,
    private readonly context: AdapterContext,
  ) {
    this.resources = config.resources.map((r) => r.name);
    const auth = authProvider(config.auth, context);
    this.http = new HttpClient({
      baseUrl: config.baseUrl,
      headers: config.headers,
      timeoutMs: config.timeoutMs,
      ...(config.rateLimit ? { rateLimit: config.rateLimit } : {}),
      ...(auth ? { auth } : {}),
      ...(context.outbound ? { outbound: context.outbound } : {}),
      log: context.log,
    });
  }

  async initialize(): Promise<void> {
    await this.http.get(this.healthPath());
  }

  health(): Promise<AdapterHealth> {
    return probeHealth(async () => {
      await this.http.get(this.healthPath());
      return `circuit ${this.http.circuit}`;
    });
  }

  shutdown(): Promise<void> {
    return this.http.close();
  }

  changes(from: Checkpoint | null, options: { mode: SyncMode; signal: AbortSignal }): AsyncIterable<ChangeBatch> {
    const now = new Date().toISOString();
    const since = options.mode === 'incremental' ? ((from as PagedCheckpoint | null)?.since ?? null) : null;
    const resources = this.config.resources.map((resource): PagedResource => {
      let previous: string | undefined;
      return {
        name: resource.name,
        untimed: !resource.updatedAtField,
        fetchPage: async (cursor) => {
          const page = await this.readPage(resource, cursor, since);
          // a source that ignores the page parameter (or repeats a cursor) would loop forever
          const signature = JSON.stringify(page.items.slice(0, 3));
          if (page.nextCursor !== null && page.items.length > 0 && signature === previous) {
            this.context.log.warn({ resource: resource.name, cursor }, 'source returned the same page again; resource read ended');
            return { changes: [], nextCursor: null };
          }
          previous = signature;
          const changes = [];
          for (const record of page.items) {
            const result = recordChange(this.config, resource, record, now);
            if (result.ok) changes.push({ id: result.id, change: result.change });
            else this.context.log.warn({ resource: resource.name, reason: result.reason }, 'source record skipped');
          }
          return { changes, nextCursor: page.nextCursor, ...(page.total !== undefined ? { total: page.total } : {}) };
        },
      };
    });
    return pagedChanges(resources, from, options);
  }

  async list(resource: string, page: { cursor?: string | null } = {}): Promise<Page<Json>> {
    return this.readPage(this.resource(resource), page.cursor ?? null, null);
  }

  async get(resource: string, id: string): Promise<Json | null> {
    const r = this.resource(resource);
    const path = (r.itemPath ?? `${r.path.replace(/\/$/, '')}/{id}`).replace('{id}', encodeURIComponent(id));
    try {
      return (await this.http.get<Json>(path)).body;
    } catch (error) {
      if (error instanceof SourceHttpError && error.sourceStatus === 404) return null;
      throw error;
    }
  }

  /** One list page and the cursor of the next (null after the last). */
  private async readPage(resource: RestResource, cursor: string | null, since: string | null): Promise<Page<Json>> {
    const filter = since !== null && resource.updatedSinceParam ? { [resource.updatedSinceParam]: since } : {};
    const request = pageRequest(resource.pagination, resource.path, { ...resource.query, ...filter }, cursor);
    const response = await this.http.get<unknown>(request.path, request.query);
    const found = readPath(response.body, resource.itemsPath);
    if (!Array.isArray(found)) {
      throw new SourceHttpError(response.status, 'GET', resource.path, `no array at itemsPath "${resource.itemsPath}" in the response`);
    }
    const url = this.http.resolve(request.path);
    const next = nextCursor(resource.pagination, cursor, { body: response.body, items: found, headers: response.headers }, url);
    const total = listTotal(resource.pagination, response.body);
    return { items: found as Json[], nextCursor: next, ...(total !== undefined ? { total } : {}) };
  }

  private resource(name: string): RestResource {
    const found = this.config.resources.find((r) => r.name === name);
    if (!found) throw new Error(`rest-json adapter ${this.id} has no resource ${name}; it serves ${this.resources.join(', ')}`);
    return found;
  }

  private healthPath(): string {
    return this.config.healthPath ?? this.config.resources[0]!.path;
  }
}

function authProvider(auth: RestJsonConfig['auth'], context: AdapterContext): AuthProvider | undefined {
  switch (auth.type) {
    case 'none':
      return undefined;
    case 'bearer':
      return bearerToken(auth.token);
    case 'api-key':
      return apiKeyHeader(auth.header, auth.key);
    case 'oauth2-client-credentials':
      return oauth2ClientCredentials({
        tokenUrl: auth.tokenUrl,
        clientId: auth.clientId,
        clientSecret: auth.clientSecret,
        ...(auth.scope ? { scope: auth.scope } : {}),
        ...(context.outbound ? { outbound: context.outbound } : {}),
      });
  }
}
