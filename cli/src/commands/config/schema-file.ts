import { parse as parseYaml } from 'yaml';
import { usage } from './failure';
import { readUserFile, type ConfigIo } from './io';

/**
 * Reads a JSON Schema file (`--schema`): JSON when it ends in `.json`, else YAML.
 * @throws ConfigCliFailure `USAGE` when it cannot be read or parsed
 */
export function readSchemaFile(path: string, io: ConfigIo): unknown {
  const text = readUserFile(path, io);
  try {
    return path.toLowerCase().endsWith('.json') ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
  } catch (error) {
    throw usage(`${path} is not ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
}
