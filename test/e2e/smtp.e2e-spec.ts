import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

interface Received {
  from: string;
  to: string[];
  body: string;
}

/** A real SMTP server on 127.0.0.1 that keeps what it is sent. */
function startSmtp(): Promise<{ server: SMTPServer; port: number; inbox: Received[] }> {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let body = '';
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      stream.on('end', () => {
        inbox.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), body });
        callback();
      });
    },
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.server.address() as AddressInfo).port, inbox })));
}

describe('mail over SMTP', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Darkroom <noreply@darkroom.test>', PUBLIC_URL: 'https://darkroom.example.com' });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((r) => smtp.server.close(() => r()));
  });

  it('sends the verification mail through the outbox to the SMTP server, with a working link', async () => {
    const email = uniqueEmail('smtp');
    await t.http().post('/api/v1/auth/register').send({ email, password: PASSWORD, name: 'Mail' }).expect(201);
    for (let i = 0; i < 100 && !smtp.inbox.some((m) => m.to.includes(email)); i++) await new Promise((r) => setTimeout(r, 50));
    const mail = smtp.inbox.find((m) => m.to.includes(email));
    expect(mail).toMatchObject({ from: 'noreply@darkroom.test' });
    const body = mail!.body.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const token = /https:\/\/darkroom\.example\.com\/api\/v1\/auth\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(body)?.[1];
    expect(token).toBeTruthy();
    // The SMTP server has the mail; the outbox row is marked sent right after the server's answer.
    let [outbox] = await t.mailTo(email);
    for (let i = 0; i < 100 && outbox.status !== 'sent'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      [outbox] = await t.mailTo(email);
    }
    expect(outbox).toMatchObject({ status: 'sent', attempts: 1, sentAt: expect.any(Date) });
    await t.http().post('/api/v1/auth/verify-email').send({ token }).expect(200);
  });
});
