import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DocsContext, DocsFile } from './check';
import type { CommandNode } from './commands';

/** The part of a commander `Command` the check reads (`buildProgram()` is one). */
export interface CliCommand {
  name(): string;
  aliases(): string[];
  readonly commands: readonly CliCommand[];
}

interface PackageJson {
  name?: string;
  scripts?: Record<string, string>;
  workspaces?: string[];
}

/**
 * The Markdown files the docs check reads: `README.md`, `SECURITY.md`, every `docs/**\/*.md` and
 * every `deploy/**\/README.md`.
 *
 * @param root - the repository root
 * @returns the files, with paths from the root
 */
export function docsFiles(root: string): DocsFile[] {
  const paths = ['README.md', 'SECURITY.md'].filter((path) => existsSync(join(root, path)));
  for (const [folder, wanted] of [
    ['docs', (name: string) => name.endsWith('.md')],
    ['deploy', (name: string) => name === 'README.md' || name.endsWith('/README.md')],
  ] as const) {
    if (!existsSync(join(root, folder))) continue;
    for (const entry of readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' }).sort()) {
      const path = `${folder}/${entry.split('\\').join('/')}`;
      if (wanted(path) && statSync(join(root, path)).isFile()) paths.push(path);
    }
  }
  return paths.map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
}

/**
 * What the docs of a repository may refer to: its files, the scripts of its root package and
 * workspaces, and the CLI's command tree.
 *
 * @param root - the repository root
 * @param program - the CLI (`buildProgram()` of `cli/src/program.ts`)
 * @returns the context {@link checkDocs} checks against
 */
export function repositoryContext(root: string, program: CliCommand): DocsContext {
  const rootPackage = readPackage(join(root, 'package.json'));
  const workspaceScripts = new Map<string, ReadonlySet<string>>();
  for (const pattern of rootPackage.workspaces ?? []) {
    const folders = pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
      : [pattern];
    for (const folder of folders) {
      if (!existsSync(join(root, folder, 'package.json'))) continue;
      const workspace = readPackage(join(root, folder, 'package.json'));
      const scripts = new Set(Object.keys(workspace.scripts ?? {}));
      workspaceScripts.set(folder, scripts);
      if (workspace.name) workspaceScripts.set(workspace.name, scripts);
    }
  }
  return {
    kind(path) {
      try {
        return statSync(join(root, path)).isDirectory() ? 'folder' : 'file';
      } catch {
        return undefined;
      }
    },
    read(path) {
      try {
        return readFileSync(join(root, path), 'utf8');
      } catch {
        return undefined;
      }
    },
    rootScripts: new Set(Object.keys(rootPackage.scripts ?? {})),
    workspaceScripts,
    cli: commandNodeOf(program),
  };
}

/** A commander command as the tree the check walks. */
function commandNodeOf(command: CliCommand): CommandNode {
  return { name: command.name(), aliases: command.aliases(), commands: command.commands.map(commandNodeOf) };
}

function readPackage(path: string): PackageJson {
  return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
}
