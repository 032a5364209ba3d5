import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUp } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

const LIMIT = 3;

describe('sign-in slowing counts failures only', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_ATTEMPTS_PER_ACCOUNT: String(LIMIT), LOGIN_ATTEMPTS_PER_ADDRESS: '10000' });
  });
  afterAll(() => t.close());

  const attempt = (email: string, password: string) => t.http().post('/api/v1/auth/login').send({ email, password });
  const fail = (email: string) => attempt(email, 'wrong-password-attempt');

  it('lets a success clear the account: N-1 failures, a success, N-1 failures more are all answered', async () => {
    const { email } = await signUp(t);
    for (let i = 0; i < LIMIT - 1; i++) await fail(email).expect(401);
    await attempt(email, PASSWORD).expect(200);
    for (let i = 0; i < LIMIT - 1; i++) await fail(email).expect(401);
    await attempt(email, PASSWORD).expect(200);
  });

  it('refuses every attempt after N failures, the right password too', async () => {
    const { email } = await signUp(t);
    for (let i = 0; i < LIMIT; i++) await fail(email).expect(401);
    const refused = await attempt(email, PASSWORD).expect(429);
    expect(refused.body.error.code).toBe('rate_limited');
  });
});

describe('sign-in slowing per client address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_ATTEMPTS_PER_ADDRESS: String(LIMIT), LOGIN_ATTEMPTS_PER_ACCOUNT: '1000' });
  });
  afterAll(() => t.close());

  it('is cleared by a success from that address', async () => {
    // signUp signs in once, which a success clears again.
    const [ada, bob] = [await signUp(t), await signUp(t)];
    const fail = () => t.http().post('/api/v1/auth/login').send({ email: ada.email, password: 'wrong-password-attempt' });
    for (let i = 0; i < LIMIT - 1; i++) await fail().expect(401);
    await t.http().post('/api/v1/auth/login').send({ email: bob.email, password: PASSWORD }).expect(200);
    for (let i = 0; i < LIMIT; i++) await fail().expect(401);
    await fail().expect(429);
  });
});
