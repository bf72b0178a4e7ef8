import { DateTime } from 'luxon';
import { err } from '@dictamesh/runtime';
import { BLOCK_HELPERS, KNOWN_HELPERS, VALUE_HELPERS, compileOptions, templateEnv } from './handlebars';
import { TEMPLATE_VARIABLE_TYPES, VARIABLE_NAME, type TemplateVariable, type TemplateVariableType } from './variables';

type Node = hbs.AST.Node;

/** The parts of a template (Handlebars sources); `html` is rendered with HTML escaping, the others without. */
export interface TemplateParts {
  subject?: string | null;
  body: string;
  html?: string | null;
}

/** What a path in a template refers to: a variable path (`['items', ELEMENT, 'title']`) or an iteration index/key. */
type Ref = { kind: 'path'; path: string[] } | { kind: 'index' };

/** The path segment standing for "an element of" (inside `#each`). */
const ELEMENT = '[]';

/** Where the walker is: the context stack (`with`/`each` push), block parameters, whether inside `#each`. */
interface Scope {
  contexts: Ref[];
  params: Map<string, Ref>[];
  inEach: boolean;
}

const CONTAINER: ReadonlySet<TemplateVariableType> = new Set(['OBJECT', 'ARRAY']);
const DATA_IN_EACH = new Set(['index', 'key', 'first', 'last']);

/** Checks one template part against the declarations, collecting problems (never throws). */
class PartChecker {
  readonly problems: string[] = [];

  constructor(
    private readonly part: string,
    private readonly declared: ReadonlyMap<string, TemplateVariable>,
    private readonly html: boolean,
  ) {}

  private problem(node: Node | undefined, message: string): void {
    const line = node?.loc?.start.line;
    this.problems.push(line === undefined ? `${this.part}: ${message}` : `${this.part} (line ${line}): ${message}`);
  }

  program(program: hbs.AST.Program, scope: Scope): void {
    for (const statement of program.body) this.statement(statement, scope);
  }

  private statement(node: hbs.AST.Statement, scope: Scope): void {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement':
        return this.mustache(node as hbs.AST.MustacheStatement, scope);
      case 'BlockStatement':
        return this.block(node as hbs.AST.BlockStatement, scope);
      case 'PartialStatement':
      case 'PartialBlockStatement':
        return this.problem(node, 'partials ({{> name}}) are not allowed');
      default:
        return this.problem(node, `${node.type.replace(/Statement$|Block$/, '').toLowerCase() || 'this construct'} is not allowed`);
    }
  }

  private mustache(node: hbs.AST.MustacheStatement, scope: Scope): void {
    if (this.html && !node.escaped) this.problem(node, 'raw output ({{{…}}} or {{& …}}) is not allowed in HTML: use {{…}}, which escapes');
    if (node.path.type !== 'PathExpression') return this.problem(node, 'a literal cannot be output this way: write it as text');
    const path = node.path as hbs.AST.PathExpression;
    const call = node.params.length > 0 || node.hash?.pairs.length > 0 || (isSimple(path) && KNOWN_HELPERS.has(path.original));
    if (!call) {
      this.resolve(path, scope, false);
      return;
    }
    this.helper(node, path, false);
    this.args(node, scope);
  }

  /** Checks a helper name; `block` for `{{#name}}`. Returns whether it is a known helper of that kind. */
  private helper(node: Node, path: hbs.AST.PathExpression, block: boolean): boolean {
    const name = path.original;
    if (!isSimple(path) || !KNOWN_HELPERS.has(name)) {
      this.problem(
        node,
        block
          ? `unknown block helper "#${name}" (known: ${BLOCK_HELPERS.join(', ')})`
          : `unknown helper "${name}" (known: ${VALUE_HELPERS.join(', ')})`,
      );
      return false;
    }
    const isBlock = (BLOCK_HELPERS as readonly string[]).includes(name);
    if (isBlock !== block) {
      this.problem(
        node,
        block ? `"${name}" is not a block helper: use {{${name} …}}` : `"${name}" is a block helper: use {{#${name} …}}…{{/${name}}}`,
      );
      return false;
    }
    return true;
  }

  private args(node: { params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }, scope: Scope): void {
    for (const param of node.params) this.expression(param, scope, false);
    for (const pair of node.hash?.pairs ?? []) this.expression(pair.value, scope, false);
  }

  private expression(node: hbs.AST.Expression, scope: Scope, asContext: boolean): Ref | null {
    if (node.type === 'PathExpression') return this.resolve(node as hbs.AST.PathExpression, scope, asContext);
    if (node.type === 'SubExpression') {
      const sub = node as hbs.AST.SubExpression;
      this.helper(sub, sub.path, false);
      this.args(sub, scope);
    }
    return null;
  }

  private block(node: hbs.AST.BlockStatement, scope: Scope): void {
    if (!this.helper(node, node.path, true)) return;
    const name = node.path.original;
    if (node.params.length !== 1) return this.problem(node, `#${name} takes exactly one argument`);
    for (const pair of node.hash?.pairs ?? []) this.expression(pair.value, scope, false);
    const [param] = node.params as [hbs.AST.Expression];
    const blockParams = node.program.blockParams ?? [];
    if (name === 'if' || name === 'unless') {
      this.expression(param, scope, true);
      if (blockParams.length > 0) this.problem(node, `#${name} takes no block parameters`);
      this.program(node.program, scope);
      if (node.inverse) this.program(node.inverse, scope);
      return;
    }
    if (param.type !== 'PathExpression') return this.problem(node, `#${name} needs a variable`);
    const ref = this.resolve(param as hbs.AST.PathExpression, scope, true);
    if (node.inverse) this.program(node.inverse, scope);
    if (!ref) return;
    let inner: Ref = ref;
    if (name === 'each') {
      if (ref.kind !== 'path' || !this.iterable(ref.path)) {
        return this.problem(node, `#each needs a variable declared ARRAY or OBJECT, not "${(param as hbs.AST.PathExpression).original}"`);
      }
      inner = { kind: 'path', path: [...ref.path, ELEMENT] };
    }
    const params = new Map<string, Ref>();
    if (blockParams[0] !== undefined) params.set(blockParams[0], inner);
    if (name === 'each' && blockParams[1] !== undefined) params.set(blockParams[1], { kind: 'index' });
    if (blockParams.length > (name === 'each' ? 2 : 1))
      this.problem(node, `#${name} takes at most ${name === 'each' ? 2 : 1} block parameters`);
    this.program(node.program, {
      contexts: [...scope.contexts, inner],
      params: [...scope.params, params],
      inEach: scope.inEach || name === 'each',
    });
  }

  /** Resolves a path expression to what it refers to and checks it is declared; null (and a problem) when not. */
  private resolve(node: hbs.AST.PathExpression, scope: Scope, asContext: boolean): Ref | null {
    const parts = node.parts;
    if (node.data) {
      const [head, ...rest] = parts;
      if (head === 'root') return this.check(node, rest, asContext);
      if (head !== undefined && DATA_IN_EACH.has(head)) {
        if (!scope.inEach) return this.fail(node, `@${head} is only defined inside #each`);
        if (rest.length > 0) return this.fail(node, `@${head} has no properties`);
        return { kind: 'index' };
      }
      return this.fail(node, `unknown data variable "@${parts.join('.')}"`);
    }
    const scoped = /^(\.|this\b)/.test(node.original);
    let base: Ref | undefined;
    let rest = parts;
    if (node.depth === 0 && !scoped && parts[0] !== undefined) {
      for (let i = scope.params.length - 1; i >= 0 && !base; i--) base = scope.params[i]!.get(parts[0]);
      if (base) rest = parts.slice(1);
    }
    if (!base) {
      base = scope.contexts[scope.contexts.length - 1 - node.depth];
      if (!base) return this.fail(node, `"${node.original}" goes above the top level`);
    }
    if (base.kind === 'index') return rest.length > 0 ? this.fail(node, `"${node.original}": an index has no properties`) : base;
    return this.check(node, [...base.path, ...rest], asContext);
  }

  private fail(node: Node, message: string): null {
    this.problem(node, message);
    return null;
  }

  /** Checks a resolved variable path against the declarations. */
  private check(node: hbs.AST.PathExpression, path: string[], asContext: boolean): Ref | null {
    if (path.length === 0) {
      return asContext
        ? { kind: 'path', path }
        : this.fail(node, `"${node.original}" at the top level is the whole set of variables: name one`);
    }
    for (let i = 1; i <= path.length; i++) {
      if (path[i - 1] === ELEMENT) break;
      const name = path.slice(0, i).join('.');
      const declared = this.declared.get(name);
      if (!declared) continue;
      if (i === path.length || CONTAINER.has(declared.type)) return { kind: 'path', path };
      return this.fail(node, `"${name}" is declared ${declared.type}: it has no "${path.slice(i).join('.')}"`);
    }
    const name = path.join('.');
    if (asContext && [...this.declared.keys()].some((key) => key.startsWith(`${name}.`))) return { kind: 'path', path };
    return this.fail(node, `undeclared variable "${name}"`);
  }

  /** Whether `#each` may iterate over `path`: declared ARRAY/OBJECT, or below one. */
  private iterable(path: string[]): boolean {
    for (let i = 1; i <= path.length; i++) {
      if (path[i - 1] === ELEMENT) return true;
      const declared = this.declared.get(path.slice(0, i).join('.'));
      if (declared) return CONTAINER.has(declared.type);
    }
    return false;
  }
}

function isSimple(path: hbs.AST.PathExpression): boolean {
  return !path.data && path.depth === 0 && path.parts.length === 1 && path.original === path.parts[0];
}

/** A Handlebars parse error on one line: `Parse error on line 3: … Expecting 'ID', got 'EOF'`. */
function parseProblem(part: string, error: unknown): string {
  const e = error as { message?: string; lineNumber?: number };
  const lines = String(e.message ?? error)
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^-*\^$/.test(line.trim()));
  const first = lines[0] ?? 'syntax error';
  const message = lines.length > 2 ? `${first} ${lines.at(-1)}` : first;
  return e.lineNumber !== undefined && !/line \d/.test(message) ? `${part} (line ${e.lineNumber}): ${message}` : `${part}: ${message}`;
}

/** Problems of the declarations themselves (names, duplicates, types, a path below a scalar). */
function declarationProblems(variables: readonly TemplateVariable[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, TemplateVariable>();
  for (const v of variables) {
    if (!VARIABLE_NAME.test(v.name)) problems.push(`variable "${v.name}": not a dotted name of identifiers`);
    else if (seen.has(v.name)) problems.push(`variable "${v.name}" is declared twice`);
    if (!TEMPLATE_VARIABLE_TYPES.includes(v.type)) problems.push(`variable "${v.name}": unknown type ${String(v.type)}`);
    seen.set(v.name, v);
  }
  for (const v of variables) {
    const parts = v.name.split('.');
    for (let i = 1; i < parts.length; i++) {
      const parent = seen.get(parts.slice(0, i).join('.'));
      if (parent) problems.push(`variable "${v.name}" is below "${parent.name}", declared ${parent.type}`);
    }
  }
  return problems;
}

/**
 * Checks a template before it is saved: every part compiles (syntax errors with their line),
 * uses only known helpers (`if`, `unless`, `each`, `with`, `formatDate`, `formatNumber`, `join`,
 * `eq`), no partials or decorators, no raw `{{{…}}}` output in `html`, stays within `maxChars`
 * characters, and uses only declared variables — walking `#each`/`#with` blocks (block
 * parameters, `this`, `../`, `@index`/`@key`, `@root`) and allowing any path below an OBJECT or
 * ARRAY declaration.
 * @param maxChars largest part, characters (`NotificationLimits.maxTemplateChars`)
 * @throws DictaMeshError `NOTIFICATION_TEMPLATE_INVALID` `{ problems: string[] }` (every problem found)
 */
export function checkTemplate(parts: TemplateParts, variables: readonly TemplateVariable[], maxChars: number): void {
  const problems = declarationProblems(variables);
  const declared = new Map(variables.map((v) => [v.name, v]));
  const entries: [string, string | null | undefined][] = [
    ['subject', parts.subject],
    ['body', parts.body],
    ['html', parts.html],
  ];
  if (parts.body.trim() === '') problems.push('body is empty');
  for (const [part, source] of entries) {
    if (source === null || source === undefined) continue;
    if (source.length > maxChars) {
      problems.push(`${part} is ${source.length} characters, over the limit of ${maxChars}`);
      continue;
    }
    let ast: hbs.AST.Program;
    try {
      ast = templateEnv.parse(source);
    } catch (error) {
      problems.push(parseProblem(part, error));
      continue;
    }
    const checker = new PartChecker(part, declared, part === 'html');
    checker.program(ast, { contexts: [{ kind: 'path', path: [] }], params: [], inEach: false });
    problems.push(...checker.problems);
    if (checker.problems.length > 0) continue;
    try {
      templateEnv.precompile(source, compileOptions(part === 'html'));
    } catch (error) {
      problems.push(parseProblem(part, error));
    }
  }
  if (problems.length > 0) throw err('NOTIFICATION_TEMPLATE_INVALID', undefined, { problems });
}

/** The value at a dotted path of `values` (undefined when a step is missing). */
export function valueAt(values: Record<string, unknown>, name: string): unknown {
  let current: unknown = values;
  for (const key of name.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The protocol of an absolute URL (`https:`), null when `value` is none. */
function protocolOf(value: string): string | null {
  try {
    return new URL(value).protocol;
  } catch {
    return null;
  }
}

/** Why `value` is not of `type`; null when it is. */
function typeProblem(type: TemplateVariableType, value: unknown): string | null {
  switch (type) {
    case 'STRING':
      return typeof value === 'string' ? null : `expected STRING, got ${describe(value)}`;
    case 'NUMBER':
      return typeof value === 'number' && Number.isFinite(value) ? null : `expected a finite NUMBER, got ${describe(value)}`;
    case 'BOOLEAN':
      return typeof value === 'boolean' ? null : `expected BOOLEAN, got ${describe(value)}`;
    case 'DATE':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'expected an ISO-8601 DATE, got an invalid Date' : null;
      return typeof value === 'string' && DateTime.fromISO(value).isValid
        ? null
        : `expected an ISO-8601 DATE string, got ${describe(value)}`;
    case 'URL': {
      if (typeof value !== 'string') return `expected an absolute http(s) URL, got ${describe(value)}`;
      return /^https?:$/.test(protocolOf(value) ?? '') ? null : 'expected an absolute http(s) URL';
    }
    case 'OBJECT':
      return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
        ? null
        : `expected OBJECT, got ${describe(value)}`;
    case 'ARRAY':
      return Array.isArray(value) ? null : `expected ARRAY, got ${describe(value)}`;
  }
}

/** One variable that does not match its declaration. */
export interface VariableProblem {
  name: string;
  problem: string;
}

/**
 * Checks values against a template's declarations: every required variable is present (not
 * null), every present one has its type — STRING, NUMBER (finite), BOOLEAN, DATE (ISO-8601
 * string), URL (absolute http/https), OBJECT, ARRAY. Values nobody declared are ignored.
 * @throws DictaMeshError `NOTIFICATION_VARIABLES_INVALID` `{ problems: { name, problem }[] }`
 */
export function checkVariables(declared: readonly TemplateVariable[], values: Record<string, unknown>): void {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw err('NOTIFICATION_VARIABLES_INVALID', undefined, { problems: [{ name: '', problem: 'variables must be an object' }] });
  }
  const problems: VariableProblem[] = [];
  for (const v of declared) {
    const value = valueAt(values, v.name);
    if (value === undefined || value === null) {
      if (v.required) problems.push({ name: v.name, problem: 'missing' });
      continue;
    }
    const problem = typeProblem(v.type, value);
    if (problem) problems.push({ name: v.name, problem });
  }
  if (problems.length > 0) throw err('NOTIFICATION_VARIABLES_INVALID', undefined, { problems });
}
