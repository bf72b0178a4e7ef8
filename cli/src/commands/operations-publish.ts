import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { apiSchemaOf, buildSubscriptionSchema, manifestFromFolder } from '@dictamesh/gateway';
import { DictaMeshError } from '@dictamesh/runtime';

/** Options of {@link operationsPublishCommand}. */
export interface OperationsPublishOptions {
  /** Manifest file to write. */
  out: string;
  /** Supergraph SDL the operations must be valid against. */
  supergraph: string;
}

/**
 * `dictamesh operations publish <folder>`: validates every named operation of a folder against
 * the supergraph (subscriptions included) and writes the persisted query manifest the gateway
 * reads (`GATEWAY_PERSISTED_QUERIES`; with `GATEWAY_SAFELIST=safelist|ids` only these run).
 * Prints one line per operation (`id name`) and a summary of what was added and removed since
 * the previous manifest; exits 1 and writes nothing when an operation is invalid.
 */
export function operationsPublishCommand(folder: string, options: OperationsPublishOptions): void {
  try {
    const schema = buildSubscriptionSchema(apiSchemaOf(readFileSync(options.supergraph, 'utf8')));
    const manifest = manifestFromFolder(folder, schema);
    const before = previousIds(options.out);
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(manifest, null, 2)}\n`);
    for (const o of manifest.operations) console.log(`${o.id.slice(0, 16)}  ${o.type.padEnd(12)} ${o.name}`);
    const ids = new Set(manifest.operations.map((o) => o.id));
    const added = [...ids].filter((id) => !before.has(id)).length;
    const removed = [...before].filter((id) => !ids.has(id)).length;
    console.log(`${manifest.operations.length} operations published to ${options.out} (${added} added, ${removed} removed)`);
  } catch (error) {
    console.error(error instanceof DictaMeshError ? error.message : error);
    process.exit(1);
  }
}

function previousIds(path: string): Set<string> {
  try {
    const previous = JSON.parse(readFileSync(path, 'utf8')) as { operations?: Array<{ id: string }> };
    return new Set((previous.operations ?? []).map((o) => o.id));
  } catch {
    return new Set();
  }
}
