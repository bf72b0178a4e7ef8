import { parse as parseYaml } from 'yaml';
import { connectionOf, gatewayRequest, type ConnectionOptions } from '../../shell/gateway';
import { usage, type ExitCode } from '../../shell/failure';
import { readUserFile, type CliIo } from '../../shell/io';
import { ADAPTER_FIELDS, adapterLabel, type AdapterView } from './view';

/** Options of `dictamesh adapter register`. */
export interface RegisterOptions extends ConnectionOptions {
  kind: string;
  id: string;
  /** Configuration file, YAML or JSON (a mapping). */
  config?: string;
  /** `name=value` secret fields (dotted names for nested ones, e.g. `auth.token=…`). */
  secret?: string[];
}

const REGISTER = `mutation RegisterAdapter($input: RegisterAdapterInput!) { registerAdapter(input: $input) { ${ADAPTER_FIELDS} } }`;
const FIELD_PATH = /^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/;

/**
 * Reads an adapter configuration file: YAML, or JSON (YAML's subset), holding a mapping.
 * @throws CliFailure `USAGE` when it cannot be read, does not parse, or is not a mapping
 */
export function readAdapterConfig(path: string, io: CliIo): Record<string, unknown> {
  const text = readUserFile(path, io);
  let config: unknown;
  try {
    config = parseYaml(text);
  } catch (error) {
    throw usage(`${path} is not YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw usage(`${path} must hold a mapping: the adapter configuration, e.g. { baseUrl: …, accountId: 12 }`);
  }
  return config as Record<string, unknown>;
}

/**
 * Sets `--secret name=value` fields into a configuration (a copy): the name is a dotted path
 * (`auth.token`), its missing objects created; a later flag of the same name wins.
 * @returns the configuration with the secrets set
 * @throws CliFailure `USAGE` for a flag without `=`, a bad name, or a path through a non-object
 */
export function withSecrets(config: Record<string, unknown>, flags: readonly string[]): Record<string, unknown> {
  const result = structuredClone(config);
  for (const flag of flags) {
    const at = flag.indexOf('=');
    const name = at < 0 ? flag : flag.slice(0, at);
    if (at < 0 || !FIELD_PATH.test(name)) throw usage(`--secret wants name=value (dotted names for nested fields), got "${name}"`);
    const parts = name.split('.');
    let target = result;
    for (const part of parts.slice(0, -1)) {
      const next = target[part] ?? {};
      if (typeof next !== 'object' || next === null || Array.isArray(next)) throw usage(`--secret ${name}: ${part} is not an object`);
      target = target[part] = next as Record<string, unknown>;
    }
    target[parts[parts.length - 1]!] = flag.slice(at + 1);
  }
  return result;
}

/**
 * `dictamesh adapter register --kind <kind> --id <id> --config <file>`: registers an adapter
 * through the gateway (it starts at once). Secret fields come from the file or from
 * `--secret name=value`; they are stored encrypted and never printed. Prints
 * `registered <id> (<kind>) <STATUS>` and the secret fields set.
 * @throws CliFailure `USAGE` (file unreadable or not a mapping, bad `--secret`);
 *   `ADAPTER_CONFIG_INVALID` with one problem a line (`<path>: <message>`),
 *   `ADAPTER_KIND_UNKNOWN`, `CONFLICT`, … from the gateway
 */
export async function registerCommand(options: RegisterOptions, io: CliIo): Promise<ExitCode> {
  const config = withSecrets(options.config === undefined ? {} : readAdapterConfig(options.config, io), options.secret ?? []);
  const { registerAdapter } = await gatewayRequest<{ registerAdapter: AdapterView }>(connectionOf(options), REGISTER, {
    input: { id: options.id, kind: options.kind, config },
  });
  io.out(`registered ${adapterLabel(registerAdapter)}\n`);
  if (registerAdapter.secretFields.length > 0) io.out(`secret fields set: ${registerAdapter.secretFields.join(', ')}\n`);
  return 0;
}
