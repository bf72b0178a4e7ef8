import { LRUCache } from 'lru-cache';
import { mergeSecrets, type WebhookRegistration, type WebhookRegistrations } from '@dictamesh/adapter-sdk';
import type { AdapterRegistration, PrismaClient } from '@dictamesh/db';
import { openAdapterSecrets, type AdapterSecretKeys } from './adapter-secrets';

/**
 * The adapter runtime's registry of registrations as the runtime's own webhook receivers read
 * them: the `dictamesh_adapter_registrations` rows with their sealed secrets opened. It is the
 * one owner of webhook credentials — nothing outside the runtime reads them — and the one
 * documented way to read them is {@link forKind}, handed to each kind's webhook factory.
 * Lookups are cached 5 s (a delivery each); {@link clear} (every registration change made
 * through this process) empties the cache, so a change made through another instance reaches
 * this one within 5 s.
 */
export class RegistrationRegistry {
  private readonly cache = new LRUCache<string, WebhookRegistration[]>({ max: 1_000, ttl: 5_000 });

  constructor(
    private readonly prisma: PrismaClient,
    private readonly secrets: AdapterSecretKeys,
  ) {}

  /**
   * The decrypted secret fields of a registration (`{}` when it has none).
   * @throws DictaMeshError `SECRET_UNDECRYPTABLE`; `CONFIGURATION_INVALID` (a legacy row without its legacy key)
   */
  secretsOf(registration: AdapterRegistration): Promise<Record<string, unknown>> {
    return openAdapterSecrets(this.secrets, registration);
  }

  /** The registrations of `kind` as its webhook side reads them (see {@link WebhookRegistrations}). */
  forKind(kind: string): WebhookRegistrations {
    return { where: (field, equals) => this.where(kind, field, equals), byId: (id) => this.byId(kind, id) };
  }

  /** Empties the lookup cache (after any registration change). */
  clear(): void {
    this.cache.clear();
  }

  /**
   * The full configurations (secrets decrypted) of the registrations of `kind` whose stored
   * configuration has `equals` at `field` — e.g. the chatwoot adapters of account 12, whose
   * webhook secrets verify that account's deliveries.
   */
  private async where(kind: string, field: string, equals: string | number): Promise<WebhookRegistration[]> {
    const key = JSON.stringify([kind, field, equals]);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const rows = await this.prisma.adapterRegistration.findMany({
      where: { kind, config: { path: [field], equals } },
      orderBy: { id: 'asc' },
    });
    const found = await Promise.all(rows.map((row) => this.view(row)));
    this.cache.set(key, found);
    return found;
  }

  /** The full configuration of registration `id` when it is of `kind`, else null. */
  private async byId(kind: string, id: string): Promise<WebhookRegistration | null> {
    const key = JSON.stringify([kind, '#id', id]);
    const cached = this.cache.get(key);
    if (cached) return cached[0] ?? null;
    const row = await this.prisma.adapterRegistration.findUnique({ where: { id } });
    const found = row && row.kind === kind ? [await this.view(row)] : [];
    this.cache.set(key, found);
    return found[0] ?? null;
  }

  private async view(row: AdapterRegistration): Promise<WebhookRegistration> {
    return { id: row.id, org: row.orgId, config: mergeSecrets(row.config as Record<string, unknown>, await this.secretsOf(row)) };
  }
}
