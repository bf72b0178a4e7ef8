import { parse as parseYaml } from 'yaml';
import { usage } from './failure';
import type { ConfigIo } from './io';

/**
 * Reads a JSON Schema file (`--schema`): JSON when it ends in `.json`, else YAML.
 * @throws ConfigCliFailure `USAGE` when it cannot be read or parsed
 */
export function readSchemaFile(path: string, io: ConfigIo): unknown {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (error) {
    throw usage(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return path.toLowerCase().endsWith('.json') ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
  } catch (error) {
    throw usage(`${path} is not ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
}
