import { connectionOf, gatewayRequest, type ConnectionOptions } from '../../shell/gateway';
import type { ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';
import type { AdapterView } from './view';

const REMOVE = `mutation RemoveAdapter($id: ID!) { removeAdapter(id: $id) { id kind } }`;

/**
 * `dictamesh adapter remove <id>`: stops and deletes an adapter and its checkpoint (its
 * entities stay in the catalog). Prints `removed <id> (<kind>)`.
 * @throws CliFailure `NOT_FOUND` (unknown, or another organisation's), the gateway's other errors
 */
export async function removeCommand(id: string, options: ConnectionOptions, io: CliIo): Promise<ExitCode> {
  const { removeAdapter } = await gatewayRequest<{ removeAdapter: Pick<AdapterView, 'id' | 'kind'> }>(connectionOf(options), REMOVE, {
    id,
  });
  io.out(`removed ${removeAdapter.id} (${removeAdapter.kind}); its entities stay in the catalog\n`);
  return 0;
}
