/**
 * The SMTP sink's child process (started by `startSmtpSink` of ./smtp-sink): a real `smtp-server`
 * on 127.0.0.1 (port chosen by the system), each message parsed with `mailparser`, driven over the
 * IPC channel. It runs apart from the tests so that a test can kill the process it sends from
 * without losing the sink, and the sink's event loop never waits on the test's.
 *
 * Protocol: the child sends `{ ready: port }` once listening; the parent sends
 * `{ id, op, args }` and the child answers `{ id, result }` or `{ id, error }`.
 */
import type { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { ReceivedMail } from './smtp-sink';

/** A message whose DATA reply waits (while holding). */
interface Held {
  sessionId: string;
  release: () => void;
}

const received: ReceivedMail[] = [];
let held: Held[] = [];
let holding = false;
let failures: { code: number; count: number } | null = null;

/** The `Key: value` header lines of a parsed message, keys lowercased, folded lines joined. */
function headerRecord(lines: readonly { key: string; line: string }[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of lines) {
    headers[key.toLowerCase()] = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  }
  return headers;
}

async function readMessage(stream: Readable, session: SMTPServerSession): Promise<ReceivedMail> {
  const parsed = await simpleParser(stream);
  const mailFrom = session.envelope.mailFrom;
  return {
    messageId: parsed.messageId ?? '',
    from: mailFrom ? mailFrom.address : '',
    to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : null,
    headers: headerRecord(parsed.headerLines),
  };
}

const server = new SMTPServer({
  // plain SMTP on loopback: no STARTTLS (nodemailer would try it), any credentials accepted
  disabledCommands: ['STARTTLS'],
  authOptional: true,
  allowInsecureAuth: true,
  logger: false,
  onAuth(auth, _session, callback) {
    callback(null, { user: auth.username ?? 'anonymous' });
  },
  onData(stream, session, callback) {
    readMessage(stream, session).then(
      (mail) => {
        if (failures && failures.count > 0) {
          const { code } = failures;
          failures.count -= 1;
          if (failures.count === 0) failures = null;
          callback(Object.assign(new Error(`${code} sink failure (failNext)`), { responseCode: code }));
          return;
        }
        const reply = () => {
          received.push(mail);
          callback();
        };
        if (holding) held.push({ sessionId: session.id, release: reply });
        else reply();
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  },
  onClose(session) {
    // a held message whose client went away is never answered, so never recorded
    held = held.filter((entry) => entry.sessionId !== session.id);
  },
});

type Op = 'received' | 'hold' | 'holding' | 'failNext' | 'stop';

const ops: Record<Op, (args: unknown[]) => unknown> = {
  received: () => received,
  hold: ([on]) => {
    holding = Boolean(on);
    if (!holding) {
      const release = held;
      held = [];
      for (const entry of release) entry.release();
    }
    return null;
  },
  holding: () => held.length,
  failNext: ([code, count]) => {
    failures = { code: Number(code), count: Number(count) };
    return null;
  },
  stop: () => {
    // after the answer is sent; open (held) connections die with the process
    setImmediate(() => process.exit(0));
    return null;
  },
};

process.on('message', (message: { id: number; op: Op; args: unknown[] }) => {
  try {
    process.send?.({ id: message.id, result: ops[message.op](message.args) });
  } catch (error) {
    process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
// the parent went away (test process killed): do not linger
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  process.send?.({ ready: typeof address === 'object' && address ? address.port : 0 });
});
