/** A command line the docs name: the words after its program (`npm run`, `dictamesh`). */
export interface CommandMention {
  /** What was written, for messages (`npm run bench:kafka`, `dictamesh config set`). */
  text: string;
  /** The words after the program, up to the end of the command (`&&`, `|`, `;`, `#`, `>`). */
  words: string[];
}

/**
 * Splits one line of code into simple commands and their words: on `&&`, `||`, `|`, `;` and
 * newlines; a `#` word starts a comment, a redirection (`>`, `2>`, `<`) ends the words.
 * Environment assignments before a command (`KAFKA_BROKERS=… npm start`) are dropped.
 */
function simpleCommands(code: string): string[][] {
  const commands: string[][] = [];
  for (const part of code.split(/&&|\|\||[|;\n]/)) {
    const words: string[] = [];
    for (const word of part.trim().split(/\s+/)) {
      if (!word || word.startsWith('#') || /^\d?[<>]/.test(word)) break;
      if (words.length === 0 && (/^[A-Z_][A-Z0-9_]*=/.test(word) || word === '$')) continue;
      words.push(word.replace(/^['"(`]+|['")`]+$/g, ''));
    }
    if (words.length > 0) commands.push(words);
  }
  return commands;
}

/**
 * The npm scripts a line of code runs: `npm run <script>` (`npm run-script`, `npm run --silent
 * <script>` and `-w <workspace>` / `--workspace <workspace>` before or after the script name) and
 * `npm start` / `npm test`. Placeholders (`npm run <script>`) are skipped.
 *
 * @param code - one code span or one line of a code block
 * @returns each script with the workspace it must exist in (`undefined`: the root package)
 */
export function npmScriptsIn(code: string): Array<{ script: string; workspace?: string; text: string }> {
  const found: Array<{ script: string; workspace?: string; text: string }> = [];
  for (const words of simpleCommands(code)) {
    const npm = words.indexOf('npm');
    if (npm < 0) continue;
    const verb = words[npm + 1];
    if (verb === 'start' || verb === 'test') {
      found.push({ script: verb, text: `npm ${verb}` });
      continue;
    }
    if (verb !== 'run' && verb !== 'run-script') continue;
    let script: string | undefined;
    let workspace: string | undefined;
    for (let i = npm + 2; i < words.length; i += 1) {
      const word = words[i]!;
      if (word === '--') break;
      if (word === '-w' || word === '--workspace') workspace = words[++i];
      else if (word.startsWith('--workspace=')) workspace = word.slice('--workspace='.length);
      else if (word.startsWith('-')) continue;
      else if (script === undefined) script = word;
      else break;
    }
    if (script === undefined || /^[<[{]|…/.test(script)) continue;
    found.push({ script, workspace, text: `npm run ${workspace ? `-w ${workspace} ` : ''}${script}` });
  }
  return found;
}

/**
 * The `dictamesh` command lines of a line of code, called any of the ways the docs call the CLI:
 * `dictamesh …`, `npx dictamesh …`, `npm run dictamesh -- …` and `node cli/dist/index.js …`.
 *
 * @param code - one code span or one line of a code block
 * @returns the words after the CLI of each call (options and arguments included)
 */
export function cliCallsIn(code: string): CommandMention[] {
  const found: CommandMention[] = [];
  for (const words of simpleCommands(code)) {
    let start: number | undefined;
    for (let i = 0; i < words.length && start === undefined; i += 1) {
      const word = words[i]!;
      if (word === 'dictamesh' && (i === 0 || words[i - 1] === 'npx')) start = i + 1;
      else if (word === 'node' && words[i + 1] === 'cli/dist/index.js') start = i + 2;
      else if (word === 'npm' && (words[i + 1] === 'run' || words[i + 1] === 'run-script') && words[i + 2] === 'dictamesh')
        start = words[i + 3] === '--' ? i + 4 : i + 3;
    }
    if (start !== undefined) found.push({ text: `dictamesh ${words.slice(start).join(' ')}`.trim(), words: words.slice(start) });
  }
  return found;
}

/** A command of the CLI tree: its name, aliases and subcommands (commander's `Command`, reduced). */
export interface CommandNode {
  name: string;
  aliases: readonly string[];
  commands: readonly CommandNode[];
}

/**
 * Walks a command line through the CLI tree: each word names a subcommand of the command before
 * it, until an option, a placeholder or the arguments of a command without subcommands.
 *
 * @param root - the program (`buildProgram()`)
 * @param words - the words after the CLI
 * @returns `undefined` when the line names existing commands, else what is missing
 *   (`no command "create" in "dictamesh apikey"`)
 */
export function missingCommand(root: CommandNode, words: readonly string[]): string | undefined {
  let command = root;
  let path = root.name;
  for (const word of words) {
    if (word.startsWith('-') || /^[<[{]|…|^\.\.\.$/.test(word)) return undefined;
    if (command.commands.length === 0) return undefined;
    if (word === 'help') return undefined;
    const next = command.commands.find((sub) => sub.name === word || sub.aliases.includes(word));
    if (!next) return `no command "${word}" in "${path}"`;
    command = next;
    path = `${path} ${word}`;
  }
  return undefined;
}
