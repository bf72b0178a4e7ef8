import { connectionOf, gatewayRequest, type ConnectionOptions } from '../../shell/gateway';
import type { ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';
import { ADAPTER_FIELDS, adapterLabel, type AdapterView } from './view';

const PAUSE = `mutation PauseAdapter($id: ID!) { pauseAdapter(id: $id) { ${ADAPTER_FIELDS} } }`;

/**
 * `dictamesh adapter pause <id>`: stops an adapter (a running sync stops after its page); it
 * stays paused across restarts. Prints `paused <id> (<kind>) PAUSED`.
 * @throws CliFailure `NOT_FOUND` (unknown, or another organisation's), the gateway's other errors
 */
export async function pauseCommand(id: string, options: ConnectionOptions, io: CliIo): Promise<ExitCode> {
  const { pauseAdapter } = await gatewayRequest<{ pauseAdapter: AdapterView }>(connectionOf(options), PAUSE, { id });
  io.out(`paused ${adapterLabel(pauseAdapter)}\n`);
  return 0;
}
