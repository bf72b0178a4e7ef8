import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  Kind,
  parse,
  print,
  validate,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { err } from '@dictamesh/runtime';
import { operationId, type PersistedQueryManifest } from './manifest';

const OPERATION_FILE = /\.(graphql|gql)$/;

/**
 * Builds a persisted query manifest from a folder of operation files (`*.graphql`, `*.gql`,
 * searched recursively; fragments may live in any file of the folder). Each named operation
 * becomes one entry whose body is the operation and the fragments it uses (transitively),
 * printed; its id is the SHA-256 of that body. Every operation is validated against `schema`
 * (the gateway's API schema, subscriptions included), so a published operation always runs.
 * Entries are sorted by name, so the same folder always gives the same file.
 *
 * @throws DictaMeshError `BAD_USER_INPUT` with every problem in `details.problems`
 *   (`file: message`): unparsable files, anonymous or duplicate operation names, duplicate or
 *   missing fragments, validation errors; or when the folder holds no operation
 */
export function manifestFromFolder(folder: string, schema: GraphQLSchema): PersistedQueryManifest {
  const problems: string[] = [];
  const operations: Array<{ file: string; node: OperationDefinitionNode }> = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const path of operationFiles(folder)) {
    const file = relative(folder, path);
    let document: DocumentNode;
    try {
      document = parse(readFileSync(path, 'utf8'), { noLocation: true });
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
      continue;
    }
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        if (fragments.has(definition.name.value)) problems.push(`${file}: fragment ${definition.name.value} is defined twice`);
        fragments.set(definition.name.value, definition);
      } else if (definition.kind === Kind.OPERATION_DEFINITION) {
        if (!definition.name) problems.push(`${file}: every operation needs a name`);
        else operations.push({ file, node: definition });
      } else {
        problems.push(`${file}: only operations and fragments belong in an operations folder`);
      }
    }
  }
  const names = new Set<string>();
  const entries: PersistedQueryManifest['operations'] = [];
  for (const { file, node } of operations) {
    const name = node.name!.value;
    if (names.has(name)) {
      problems.push(`${file}: operation ${name} is defined twice`);
      continue;
    }
    names.add(name);
    const used = fragmentsOf(node, fragments); // an unknown one is reported by validation
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [node, ...used] };
    const errors = validate(schema, document);
    for (const error of errors) problems.push(`${file}: ${name}: ${error.message}`);
    if (errors.length > 0) continue;
    const body = print(document);
    entries.push({ id: operationId(body), name, type: node.operation, body });
  }
  if (problems.length === 0 && entries.length === 0) problems.push(`${folder}: no operation found (*.graphql, *.gql)`);
  if (problems.length > 0) throw err('BAD_USER_INPUT', `Operations cannot be published:\n  ${problems.join('\n  ')}`, { problems });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  return { format: 'apollo-persisted-query-manifest', version: 1, operations: entries };
}

function operationFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(folder, entry))
    .filter((path) => OPERATION_FILE.test(path) && statSync(path).isFile())
    .sort();
}

/** The fragments an operation uses, directly or through other fragments, sorted by name. */
function fragmentsOf(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: Array<OperationDefinitionNode | FragmentDefinitionNode> = [operation];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name)) return;
        const fragment = fragments.get(name);
        if (!fragment) return;
        used.set(name, fragment);
        pending.push(fragment);
      },
    });
  }
  return [...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}
