import { gatewayRequest, connectionOf, type ConnectionOptions } from '../../shell/gateway';
import { isRedactedSecret, parseConfigDocument } from './document';
import type { ExitCode } from '../../shell/failure';
import { readUserFile, type CliIo } from '../../shell/io';
import { violationLine, type Violation } from '../../shell/print';
import { SCOPE_FIELDS, scopeLabel, type ScopeRecord } from './scope';

/** Options of `dictamesh config import`. */
export interface ImportOptions extends ConnectionOptions {
  apply?: boolean;
  reason?: string;
}

/** `ConfigImportResult` of the config SDL. */
interface ImportResult {
  applied: boolean;
  revision: string;
  items: Array<{ key: string; scope: ScopeRecord; action: string; violations: Violation[]; version: number | null }>;
}

const IMPORT = `mutation ImportConfig($entries: [ConfigImportEntryInput!]!, $apply: Boolean, $reason: String) {
  importConfig(entries: $entries, apply: $apply, reason: $reason) {
    applied revision items { key ${SCOPE_FIELDS} action violations { pointer keyword message } version }
  }
}`;

/**
 * `dictamesh config import <file>`: imports a configuration document (YAML, or JSON for
 * `*.json`; the shape `export` writes) through `importConfig`: a dry run printing
 * `CREATE` / `UPDATE` / `UNCHANGED` / `INVALID` per entry (with violations by pointer) unless
 * `--apply`, which writes all entries or none. Secrets an export redacted are skipped (`SKIP`):
 * their stored values stay as they are.
 * @returns 0; 1 when an entry is INVALID (nothing written)
 * @throws CliFailure `USAGE` (file unreadable), `CONFIG_IMPORT_INVALID` (not a document), the gateway's error
 */
export async function importCommand(file: string, options: ImportOptions, io: CliIo): Promise<ExitCode> {
  const text = readUserFile(file, io);
  const { entries } = parseConfigDocument(text, file);
  const sent = entries.filter((entry) => !isRedactedSecret(entry));
  for (const entry of entries.filter(isRedactedSecret)) {
    io.out(`SKIP       ${entry.key}  ${scopeLabel(entry.scope)}  (secret redacted: the stored value is kept)\n`);
  }
  const { importConfig } = await gatewayRequest<{ importConfig: ImportResult }>(connectionOf(options), IMPORT, {
    entries: sent,
    apply: options.apply ?? false,
    reason: options.reason ?? null,
  });
  const counts = new Map<string, number>();
  for (const item of importConfig.items) {
    counts.set(item.action, (counts.get(item.action) ?? 0) + 1);
    const version = item.version !== null ? `  v${item.version}` : '';
    io.out(`${item.action.padEnd(10)} ${item.key}  ${item.scope.path}${version}\n`);
    for (const violation of item.violations) io.out(`${violationLine(violation)}\n`);
  }
  const summary = [...counts].map(([action, n]) => `${n} ${action}`).join(', ') || 'no entries';
  io.out(
    importConfig.applied
      ? `# applied: ${summary} (revision ${importConfig.revision})\n`
      : `# dry run: ${summary}; nothing written${options.apply ? '' : ' (--apply writes)'}\n`,
  );
  return (counts.get('INVALID') ?? 0) > 0 ? 1 : 0;
}
