import type { CliFailure } from './failure';

/** One JSON Schema violation as the subgraphs report it (`ConfigViolation` of the config SDL). */
export interface Violation {
  pointer: string;
  keyword: string;
  message: string;
}

/** One violation as a line: `  <pointer> <keyword>: <message>` (the pointer `` shown as `(value)`). */
export function violationLine(violation: Violation): string {
  return `  ${violation.pointer === '' ? '(value)' : violation.pointer} ${violation.keyword}: ${violation.message}`;
}

/** A problem as text: a string as is, `{ path, message }` (ADAPTER_CONFIG_INVALID) as `<path>: <message>`. */
function problemText(problem: unknown): string {
  if (typeof problem === 'string') return problem;
  const { path, message } = (problem ?? {}) as { path?: unknown; message?: unknown };
  return typeof message === 'string' ? `${typeof path === 'string' && path !== '' ? path : '(root)'}: ${message}` : JSON.stringify(problem);
}

/**
 * A failure as lines for standard error: `error <CODE>: <message>`, then its violations (by
 * pointer) or problems (strings, or `{ path, message }`) one a line, then any other details as JSON.
 */
export function failureLines(failure: CliFailure): string[] {
  const { violations, problems, ...rest } = failure.details as { violations?: unknown; problems?: unknown };
  const lines = [`error ${failure.code}: ${failure.message}`];
  if (Array.isArray(violations)) lines.push(...(violations as Violation[]).map(violationLine));
  if (Array.isArray(problems)) lines.push(...(problems as unknown[]).map((p) => `  ${problemText(p)}`));
  if (Object.keys(rest).length > 0) lines.push(`  ${JSON.stringify(rest)}`);
  return lines;
}
