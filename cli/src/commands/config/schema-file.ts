import { parse as parseYaml } from 'yaml';
import { usage } from '../../shell/failure';
import { readUserFile, type CliIo } from '../../shell/io';

/**
 * Reads a JSON Schema file (`--schema`): JSON when it ends in `.json`, else YAML.
 * @throws CliFailure `USAGE` when it cannot be read or parsed
 */
export function readSchemaFile(path: string, io: CliIo): unknown {
  const text = readUserFile(path, io);
  try {
    return path.toLowerCase().endsWith('.json') ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
  } catch (error) {
    throw usage(`${path} is not ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
}
