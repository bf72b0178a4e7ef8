import { connectionOf, gatewayRequest, type ConnectionOptions } from '../../shell/gateway';
import type { ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';
import { tableLines } from '../../shell/table';
import { ADAPTER_FIELDS, healthText, lastSyncText, type AdapterView } from './view';

/** Options of `dictamesh adapter list`. */
export interface ListOptions extends ConnectionOptions {
  json?: boolean;
}

const ADAPTERS = `query Adapters { adapters { ${ADAPTER_FIELDS} } }`;

/** The adapters as a table: id, kind, status, health, last sync. */
export function adapterTable(adapters: readonly AdapterView[]): string[] {
  return tableLines(
    ['ID', 'KIND', 'STATUS', 'HEALTH', 'LAST SYNC'],
    adapters.map((a) => [a.id, a.kind, a.status, healthText(a), lastSyncText(a)]),
  );
}

/**
 * `dictamesh adapter list`: the caller's registered adapters as a table (id, kind, status,
 * health, last sync) and a count, or `--json` (the `adapters` answer as JSON).
 * @throws CliFailure the gateway's error (`UNAUTHENTICATED`, `FORBIDDEN`, `GATEWAY_UNREACHABLE`, …)
 */
export async function listCommand(options: ListOptions, io: CliIo): Promise<ExitCode> {
  const { adapters } = await gatewayRequest<{ adapters: AdapterView[] }>(connectionOf(options), ADAPTERS, {});
  if (options.json) {
    io.out(`${JSON.stringify(adapters, null, 2)}\n`);
    return 0;
  }
  if (adapters.length > 0)
    io.out(
      adapterTable(adapters)
        .map((line) => `${line}\n`)
        .join(''),
    );
  io.out(`# ${adapters.length} adapter${adapters.length === 1 ? '' : 's'}\n`);
  return 0;
}
