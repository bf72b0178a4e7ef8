import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One message the SMTP sink accepted (answered 250). */
export interface ReceivedMail {
  /** The `Message-ID` header as sent, with its angle brackets (e.g. `<3f…@dictamesh>`); '' without one. */
  messageId: string;
  /** The envelope sender (`MAIL FROM`). */
  from: string;
  /** The envelope recipients (`RCPT TO`). */
  to: string[];
  subject: string;
  /** The text part ('' without one). */
  text: string;
  /** The HTML part, or null without one. */
  html: string | null;
  /** Every header, name lowercased, folded lines joined (the last of a repeated header). */
  headers: Record<string, string>;
}

/** A real SMTP server (`smtp-server`) in a child process on 127.0.0.1, for tests. */
export interface SmtpSink {
  port: number;
  /** `smtp://127.0.0.1:<port>` (plain SMTP, any credentials or none). */
  url: string;
  /** The messages accepted so far, in order of their reply. */
  received(): Promise<ReceivedMail[]>;
  /**
   * Waits until at least `count` messages were accepted (polls; default 10 000 ms).
   * @throws Error when the time is up
   */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /**
   * While on, the reply to DATA waits (the message is read but not answered); a message whose
   * connection closes before its reply is never recorded. Off: the waiting replies are sent (250)
   * and their messages recorded.
   */
  hold(on: boolean): Promise<void>;
  /** How many messages wait for their reply. */
  holding(): Promise<number>;
  /** The next `count` messages are answered `code` (e.g. 451, 550) at the end of DATA and not recorded. */
  failNext(code: number, count: number): Promise<void>;
  /** Stops the child process. */
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./smtp-sink-process.ts', import.meta.url));

type Answer = { id: number; result?: unknown; error?: string } | { ready: number };

/** Bounded wait for a child's first `ready` message. */
function waitReady(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`SMTP sink did not start within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: Answer) => {
      if ('ready' in message) {
        cleanup();
        resolve(message.ready);
      }
    };
    const onExit = (code: number | null) => fail(new Error(`SMTP sink exited (${code}) before listening`));
    function cleanup() {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    }
    function fail(error: Error) {
      cleanup();
      child.kill('SIGKILL');
      reject(error);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * Starts the SMTP sink: `smtp-server` in a child process (`node --import tsx smtp-sink-process.ts`),
 * listening on 127.0.0.1 at a free port, each message parsed with `mailparser`.
 * @throws Error when the child does not start within 30 s
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await waitReady(child, 30_000);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let exited = false;
  child.on('message', (message: Answer) => {
    if (!('id' in message)) return;
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) call?.reject(new Error(message.error));
    else call?.resolve(message.result);
  });
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      for (const call of pending.values()) call.reject(new Error('SMTP sink exited'));
      pending.clear();
      resolve();
    }),
  );
  const call = <T>(op: string, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new Error('SMTP sink exited'));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, op, args });
    });
  const received = () => call<ReceivedMail[]>('received');
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mails = await received();
        if (mails.length >= count) return mails;
        if (Date.now() > deadline) throw new Error(`SMTP sink: ${mails.length} of ${count} messages after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    hold: (on) => call<void>('hold', on),
    holding: () => call<number>('holding'),
    failNext: (code, count) => call<void>('failNext', code, count),
    async stop() {
      if (exited) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await call('stop').catch(() => undefined);
      await exit;
      clearTimeout(timer);
    },
  };
}
