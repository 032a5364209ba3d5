import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp, type TestUser } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two nodes sharing one database', () => {
  let a: TestApp;
  let b: TestApp;
  let owner: TestUser;
  beforeAll(async () => {
    a = await startTestApp({ CREDENTIAL_CACHE_SECONDS: '1' });
    b = await startTestApp({ CREDENTIAL_CACHE_SECONDS: '1' }, { sharedWith: a });
    owner = await signUp(a);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('a key revoked on one node stops working on the other within the cache time', async () => {
    const key = await createKey(a, owner.accessToken, owner.orgId, { name: 'shared', scopes: ['credits:read'] });
    await b.http().get('/api/v1/me').set(bearer(key.secret)).expect(200); // now cached on b
    await a.http().delete(`/api/v1/orgs/${owner.orgId}/api-keys/${key.id}`).set(bearer(owner.accessToken)).expect(200);
    await a.http().get('/api/v1/me').set(bearer(key.secret)).expect(401);
    await sleep(1100);
    const res = await b.http().get('/api/v1/me').set(bearer(key.secret)).expect(401);
    expect(res.body.error.code).toBe('invalid_api_key');
  });

  it('a session token issued by one node is accepted by the other', async () => {
    await b.http().get('/api/v1/me').set(bearer(owner.accessToken)).expect(200);
  });
});
