import { posix } from 'node:path';
import { cliCallsIn, missingCommand, npmScriptsIn, type CommandNode } from './commands';
import { outlineOf, type MarkdownOutline } from './markdown';
import { githubSlugs } from './slug';

/** One Markdown file of the repository. */
export interface DocsFile {
  /** Path from the repository root, with `/` (`docs/events.md`). */
  path: string;
  text: string;
}

/** What the checked files may refer to. */
export interface DocsContext {
  /** Whether a path (from the repository root, `/`-separated) is a file or a folder, or `undefined`. */
  kind(path: string): 'file' | 'folder' | undefined;
  /** The text of a Markdown file (for its headings), `undefined` when it cannot be read. */
  read(path: string): string | undefined;
  /** Scripts of the root `package.json`. */
  rootScripts: ReadonlySet<string>;
  /** Scripts of each workspace, by its name (`@dictamesh/gateway`) and its folder (`gateway`). */
  workspaceScripts: ReadonlyMap<string, ReadonlySet<string>>;
  /** The CLI's command tree (`buildProgram()`). */
  cli: CommandNode;
}

/** One problem, printed as `path:line: message`. */
export interface DocsProblem {
  path: string;
  line: number;
  message: string;
}

/** Longest line allowed in every checked file, in characters (wide tables become lists). */
export const MAX_LINE_LENGTH = 200;

/**
 * Checks Markdown files: every relative link and image points to an existing file or folder,
 * every `#anchor` to a heading of its document (GitHub's anchors), every `npm run <script>` /
 * `npm start` / `npm test` to a script of the root `package.json` (or of the workspace named with
 * `-w`), every `dictamesh <command> [<subcommand>]` to a command of the CLI tree; and every line
 * is at most {@link MAX_LINE_LENGTH} characters.
 *
 * @param files - the files to check
 * @param context - the repository they describe
 * @returns every problem, file by file in the order given, by line within a file
 */
export function checkDocs(files: readonly DocsFile[], context: DocsContext): DocsProblem[] {
  const anchors = new Map<string, ReadonlySet<string> | undefined>();
  const anchorsOf = (path: string): ReadonlySet<string> | undefined => {
    if (!anchors.has(path)) {
      const text = context.read(path);
      anchors.set(path, text === undefined ? undefined : new Set(githubSlugs(outlineOf(text).headings)));
    }
    return anchors.get(path);
  };
  const problems: DocsProblem[] = [];
  for (const file of files) {
    const found: DocsProblem[] = [];
    const outline = outlineOf(file.text);
    anchors.set(file.path, new Set(githubSlugs(outline.headings)));
    const report = (line: number, message: string) => found.push({ path: file.path, line, message });
    checkLinks(file.path, outline, context, anchorsOf, report);
    checkCode(outline, context, report);
    file.text.split('\n').forEach((line, index) => {
      if ([...line].length > MAX_LINE_LENGTH) report(index + 1, `line of ${[...line].length} characters (at most ${MAX_LINE_LENGTH})`);
    });
    problems.push(...found.sort((a, b) => a.line - b.line));
  }
  return problems;
}

/** Formats problems one per line, `path:line: message`. */
export function formatProblems(problems: readonly DocsProblem[]): string {
  return problems.map((p) => `${p.path}:${p.line}: ${p.message}`).join('\n');
}

type Report = (line: number, message: string) => void;

function checkLinks(
  path: string,
  outline: MarkdownOutline,
  context: DocsContext,
  anchorsOf: (path: string) => ReadonlySet<string> | undefined,
  report: Report,
): void {
  for (const { line, value } of outline.links) {
    // absolute URLs (`https:`, `mailto:`), protocol-relative and site-absolute links are not files here
    if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith('/')) continue;
    const hash = value.indexOf('#');
    const target = decodeURIComponent((hash < 0 ? value : value.slice(0, hash)).replace(/\?.*$/, ''));
    const anchor = hash < 0 ? undefined : decodeURIComponent(value.slice(hash + 1));
    const resolved = target === '' ? path : posix.normalize(posix.join(posix.dirname(path), target)).replace(/\/$/, '');
    if (resolved.startsWith('..')) {
      report(line, `link "${value}" leaves the repository`);
      continue;
    }
    const kind = context.kind(resolved);
    if (!kind) {
      report(line, `link "${value}": ${resolved} does not exist`);
      continue;
    }
    if (anchor === undefined || anchor === '' || kind !== 'file' || !resolved.endsWith('.md')) continue;
    const anchors = anchorsOf(resolved);
    if (anchors && !anchors.has(anchor.toLowerCase())) report(line, `link "${value}": no heading of ${resolved} has the anchor #${anchor}`);
  }
}

function checkCode(outline: MarkdownOutline, context: DocsContext, report: Report): void {
  for (const { line, value } of outline.code) {
    for (const { script, workspace, text } of npmScriptsIn(value)) {
      if (workspace === undefined) {
        if (!context.rootScripts.has(script)) report(line, `"${text}": package.json has no script "${script}"`);
        continue;
      }
      const scripts = context.workspaceScripts.get(workspace);
      if (!scripts) report(line, `"${text}": no workspace "${workspace}"`);
      else if (!scripts.has(script)) report(line, `"${text}": workspace ${workspace} has no script "${script}"`);
    }
    for (const call of cliCallsIn(value)) {
      const missing = missingCommand(context.cli, call.words);
      if (missing) report(line, `"${call.text}": ${missing}`);
    }
  }
}
