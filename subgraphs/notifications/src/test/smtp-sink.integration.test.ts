import { connect } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from './smtp-sink';

/** Polls `probe` until it returns `expected` (bounded). */
async function until<T>(probe: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await probe()) !== expected) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Speaks SMTP by hand up to the end of DATA, then hangs up without waiting for the reply. */
async function sendAndHangUp(port: number, holdingNow: () => Promise<number>): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let transcript = '';
  socket.on('data', (chunk: string) => (transcript += chunk));
  const replies = async (count: number) => {
    const deadline = Date.now() + 10_000;
    while ((transcript.match(/^\d{3} /gm) ?? []).length < count) {
      if (Date.now() > deadline) throw new Error(`SMTP transcript: ${transcript}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  await replies(1); // greeting
  socket.write('EHLO client\r\n');
  await replies(2);
  socket.write('MAIL FROM:<a@example.test>\r\n');
  await replies(3);
  socket.write('RCPT TO:<b@example.test>\r\n');
  await replies(4);
  socket.write('DATA\r\n');
  await replies(5);
  socket.write('Subject: lost\r\nMessage-ID: <lost@dictamesh>\r\n\r\nnever recorded\r\n.\r\n');
  await until(holdingNow, 1);
  socket.destroy();
}

describe('SMTP sink (smtp-server in a child process)', () => {
  let sink: SmtpSink;
  let transport: Transporter;

  beforeAll(async () => {
    sink = await startSmtpSink();
    transport = nodemailer.createTransport({ url: sink.url });
  });
  afterAll(async () => {
    transport?.close();
    await sink?.stop();
  });

  it('receives a message sent with nodemailer, parsed', async () => {
    await transport.sendMail({
      from: 'DictaMesh <noreply@dictamesh.test>',
      to: ['ops@example.test', 'billing@example.test'],
      subject: 'Invoice finalized',
      text: 'Total EUR 601.94',
      html: '<p>Total <b>EUR 601.94</b></p>',
      messageId: '<d-1@dictamesh>',
      headers: { 'X-Dictamesh-Type': 'billing.invoice.finalized' },
    });
    const [mail] = await sink.waitFor(1);
    expect(mail).toEqual({
      messageId: '<d-1@dictamesh>',
      from: 'noreply@dictamesh.test',
      to: ['ops@example.test', 'billing@example.test'],
      subject: 'Invoice finalized',
      text: 'Total EUR 601.94',
      html: '<p>Total <b>EUR 601.94</b></p>',
      headers: expect.objectContaining({ 'x-dictamesh-type': 'billing.invoice.finalized', 'message-id': '<d-1@dictamesh>' }) as Record<
        string,
        string
      >,
    });
  });

  it('hold(): a message whose client dies before the reply is not recorded; released ones are', async () => {
    const before = (await sink.received()).length;
    await sink.hold(true);
    await sendAndHangUp(sink.port, () => sink.holding());
    await until(() => sink.holding(), 0);
    const kept = transport.sendMail({
      from: 'a@example.test',
      to: 'b@example.test',
      subject: 'kept',
      text: 'kept',
      messageId: '<kept@dictamesh>',
    });
    await until(() => sink.holding(), 1);
    expect((await sink.received()).length).toBe(before);
    await sink.hold(false);
    await kept;
    const mails = await sink.received();
    expect(mails.slice(before).map((mail) => mail.messageId)).toEqual(['<kept@dictamesh>']);
  });

  it('failNext(code, count) answers the code that many times, then accepts', async () => {
    const before = (await sink.received()).length;
    await sink.failNext(451, 1);
    const message = { from: 'a@example.test', to: 'b@example.test', subject: 'retry me', text: 'x', messageId: '<retry@dictamesh>' };
    await expect(transport.sendMail(message)).rejects.toMatchObject({ responseCode: 451 });
    await sink.failNext(550, 2);
    await expect(transport.sendMail(message)).rejects.toMatchObject({ responseCode: 550 });
    await expect(transport.sendMail(message)).rejects.toMatchObject({ responseCode: 550 });
    await transport.sendMail(message);
    const mails = await sink.received();
    expect(mails.slice(before).map((mail) => mail.subject)).toEqual(['retry me']);
  });
});
