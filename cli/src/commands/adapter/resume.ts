import { connectionOf, gatewayRequest, type ConnectionOptions } from '../../shell/gateway';
import type { ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';
import { ADAPTER_FIELDS, adapterLabel, type AdapterView } from './view';

const RESUME = `mutation ResumeAdapter($id: ID!) { resumeAdapter(id: $id) { ${ADAPTER_FIELDS} } }`;

/**
 * `dictamesh adapter resume <id>`: starts a paused adapter again. Prints
 * `resumed <id> (<kind>) <STATUS>`.
 * @throws CliFailure `NOT_FOUND` (unknown, or another organisation's), the gateway's other errors
 */
export async function resumeCommand(id: string, options: ConnectionOptions, io: CliIo): Promise<ExitCode> {
  const { resumeAdapter } = await gatewayRequest<{ resumeAdapter: AdapterView }>(connectionOf(options), RESUME, { id });
  io.out(`resumed ${adapterLabel(resumeAdapter)}\n`);
  return 0;
}
