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

/**
 * A failure as lines for standard error: `error <CODE>: <message>`, then its violations (by
 * pointer) or document problems one a line, then any other details as JSON.
 */
export function failureLines(failure: CliFailure): string[] {
  const { violations, problems, ...rest } = failure.details as { violations?: unknown; problems?: unknown };
  const lines = [`error ${failure.code}: ${failure.message}`];
  if (Array.isArray(violations)) lines.push(...(violations as Violation[]).map(violationLine));
  if (Array.isArray(problems)) lines.push(...(problems as string[]).map((p) => `  ${p}`));
  if (Object.keys(rest).length > 0) lines.push(`  ${JSON.stringify(rest)}`);
  return lines;
}
