/** What a check found: `ok`, `FAIL` (exit status 1) or `skip` (not configured, or not checkable here). */
export type CheckStatus = 'ok' | 'FAIL' | 'skip';

/** The result of one check: its status and one line of detail. */
export interface Outcome {
  status: CheckStatus;
  detail: string;
}

/** One check of `dictamesh doctor`. */
export interface Check {
  /** Its name in the output (`database`, `kafka`, `gateway`…). */
  name: string;
  /** Longest wait for its answer, ms (then it FAILs). */
  timeoutMs: number;
  /** Finds the outcome; a thrown error is a FAIL with its message. */
  run(): Promise<Outcome>;
}

/** A check's result as its output line: `ok|FAIL|skip <name>: <detail>` (the detail on one line). */
export function outcomeLine(name: string, outcome: Outcome): string {
  return `${outcome.status} ${name}: ${outcome.detail.replace(/\s*\n\s*/g, '; ')}`;
}

const ok = (detail: string): Outcome => ({ status: 'ok', detail });
const fail = (detail: string): Outcome => ({ status: 'FAIL', detail });
const skip = (detail: string): Outcome => ({ status: 'skip', detail });
export { ok, fail, skip };

/** An error's message, with the cause a network error hides in `cause` (`fetch failed` → `connect ECONNREFUSED …`). */
export function reason(error: unknown): string {
  const e = error as Error & { cause?: Error & { code?: string } };
  const cause = e?.cause?.message || e?.cause?.code;
  const message = e instanceof Error ? e.message || e.name : String(error);
  return cause && !message.includes(cause) ? `${message}: ${cause}` : message;
}

/**
 * Runs the checks at once, each bounded by its `timeoutMs` (a check still running then is a FAIL
 * `no answer within <n> ms`; its late answer is ignored), and returns their outcomes in the
 * order given.
 */
export async function runChecks(checks: readonly Check[]): Promise<Outcome[]> {
  return Promise.all(
    checks.map(async (check) => {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<Outcome>((resolve) => {
        timer = setTimeout(() => resolve(fail(`no answer within ${check.timeoutMs} ms`)), check.timeoutMs);
      });
      try {
        return await Promise.race([check.run().catch((error: unknown) => fail(reason(error))), bound]);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}
