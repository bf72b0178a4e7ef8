import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { adapterDefinitionFile, type AdapterDefinition, type AdapterManifestEntry } from '@dictamesh/adapter-sdk';
import { err, type Logger } from '@dictamesh/runtime';

/**
 * The adapter kinds this deployment can run. Kinds are found in adapter packages: every
 * `<dir>/<name>/package.json` under the configured directories that declares
 * `"dictamesh": { "adapter": … }` default-exports an {@link AdapterDefinition} in the file
 * that entry names ({@link adapterDefinitionFile}: the TypeScript source when running from
 * source, the compiled file when running compiled). An unknown kind triggers a rescan, so a package added after start-up (e.g. by
 * `dictamesh adapter new`) is registrable without a restart.
 */
export class AdapterKinds {
  private readonly kinds = new Map<string, AdapterDefinition<unknown>>();

  constructor(
    private readonly directories: readonly string[],
    private readonly log?: Logger,
  ) {}

  /** Every kind found so far (after a scan). */
  async list(): Promise<AdapterDefinition<unknown>[]> {
    await this.scan();
    return [...this.kinds.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  }

  /** @throws DictaMeshError `ADAPTER_KIND_UNKNOWN` naming the kinds that exist */
  async get(kind: string): Promise<AdapterDefinition<unknown>> {
    if (!this.kinds.has(kind)) await this.scan();
    const definition = this.kinds.get(kind);
    if (!definition) {
      throw err(
        'ADAPTER_KIND_UNKNOWN',
        `No adapter of kind "${kind}" is installed; installed: ${[...this.kinds.keys()].sort().join(', ') || 'none'}`,
        {
          field: 'kind',
        },
      );
    }
    return definition;
  }

  private async scan(): Promise<void> {
    for (const directory of this.directories) {
      if (!existsSync(directory)) continue;
      for (const name of readdirSync(directory)) {
        const manifest = join(directory, name, 'package.json');
        if (!existsSync(manifest)) continue;
        const entry = adapterDefinitionFile(
          (JSON.parse(readFileSync(manifest, 'utf8')) as { dictamesh?: { adapter?: AdapterManifestEntry } }).dictamesh?.adapter,
        );
        if (!entry) continue;
        const file = resolve(directory, name, entry);
        try {
          const definition = ((await import(pathToFileURL(file).href)) as { default: AdapterDefinition<unknown> }).default;
          if (!this.kinds.has(definition.kind))
            this.log?.info({ kind: definition.kind, version: definition.version, file }, 'adapter kind found');
          this.kinds.set(definition.kind, definition);
        } catch (error) {
          this.log?.error({ err: error, file }, 'adapter package could not be loaded; skipped');
        }
      }
    }
  }
}
