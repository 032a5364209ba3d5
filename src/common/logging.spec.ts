import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PinoNestLogger, redactUrl } from './logging';

describe('redactUrl', () => {
  it.each([
    ['/api/v1/files/MDFhMi5zaWduZWQ.abc', '/api/v1/files/[redacted]'],
    ['/api/v1/files/MDFh?download=1', '/api/v1/files/[redacted]?download=1'],
    ['/api/v1/invitations/inv_kbVCbnJzwX/accept', '/api/v1/invitations/[redacted]/accept'],
    ['/api/v1/auth/verify-email?token=NHbmsXyw-E_9', '/api/v1/auth/verify-email?token=[redacted]'],
    ['/x?a=1&refresh_token=abc&b=2', '/x?a=1&refresh_token=[redacted]&b=2'],
    ['/x?api_key=drk_live_1&client_secret=s', '/x?api_key=[redacted]&client_secret=[redacted]'],
  ])('%s', (url, logged) => expect(redactUrl(url)).toBe(logged));

  it('leaves URLs without credentials alone', () => {
    for (const url of ['/api/v1/jobs?status=completed&cursor=abc', '/api/v1/orgs/01a2/invitations', '/api/v1/files', '/healthz']) expect(redactUrl(url)).toBe(url);
  });
});

describe('PinoNestLogger', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({ write: (chunk: Buffer, _enc, cb) => (lines.push(JSON.parse(chunk.toString())), cb()) });
    const root = pino({ level: 'info' }, stream);
    return { lines, root, nest: new PinoNestLogger(root) };
  };
  it('writes objects, errors and strings with the context as a field', () => {
    const { lines, nest } = capture();
    nest.warn({ ip: '192.0.2.1', requestId: 'req-1' }, 'guessing', 'Ctx');
    nest.error(new Error('boom'), 'Ctx');
    nest.log('plain', 'Ctx');
    expect(lines).toMatchObject([
      { requestId: 'req-1', context: 'Ctx', ip: '192.0.2.1', msg: 'guessing' },
      { context: 'Ctx', err: { message: 'boom' }, msg: 'boom' },
      { context: 'Ctx', msg: 'plain' },
    ]);
  });
});
