import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp, type TestUser } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a member who goes takes the API keys they created with them', () => {
  let t: TestApp;
  let other: TestApp;
  let owner: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ CREDENTIAL_CACHE_SECONDS: '1' });
    other = await startTestApp({ CREDENTIAL_CACHE_SECONDS: '1' }, { sharedWith: t });
    owner = await signUp(t);
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  async function member(role: string): Promise<TestUser> {
    const user = await signUp(t);
    await t.http().post(`/api/v1/orgs/${owner.orgId}/invitations`).set(bearer(owner.accessToken)).send({ email: user.email, role }).expect(201);
    const token = /invitations\/([^/]+)\/accept/.exec((await t.mailTo(user.email))[0].text)![1];
    await t.http().post(`/api/v1/invitations/${token}/accept`).set(bearer(user.accessToken)).expect(200);
    return user;
  }
  const me = (app: TestApp, secret: string) => app.http().get('/api/v1/me').set(bearer(secret));
  const keyStatus = async (id: string) => (await t.http().get(`/api/v1/orgs/${owner.orgId}/api-keys/${id}`).set(bearer(owner.accessToken)).expect(200)).body.status;

  it('revokes them with the removal, answers their prefixes, and they stop working here at once and elsewhere within the cache time', async () => {
    const dev = await member('developer');
    const first = await createKey(t, dev.accessToken, owner.orgId, { name: 'ci', scopes: ['credits:read'] });
    const second = await createKey(t, dev.accessToken, owner.orgId, { name: 'backend', scopes: ['keys:read'] });
    const revokedEarlier = await createKey(t, dev.accessToken, owner.orgId, { name: 'old', scopes: ['credits:read'] });
    await t.http().delete(`/api/v1/orgs/${owner.orgId}/api-keys/${revokedEarlier.id}`).set(bearer(owner.accessToken)).expect(200);
    const ownersKey = await createKey(t, owner.accessToken, owner.orgId, { name: 'owner', scopes: ['credits:read'] });
    // Cached as valid on both nodes before the removal.
    for (const app of [t, other]) for (const key of [first, second]) await me(app, key.secret).expect(200);

    const res = await t.http().delete(`/api/v1/orgs/${owner.orgId}/members/${dev.userId}`).set(bearer(owner.accessToken)).expect(200);
    expect(res.body).toEqual({
      userId: dev.userId,
      revokedApiKeys: [
        { id: first.id, name: 'ci', prefix: first.prefix },
        { id: second.id, name: 'backend', prefix: second.prefix },
      ],
    });
    for (const key of [first, second]) {
      expect((await me(t, key.secret).expect(401)).body.error.code).toBe('invalid_api_key');
      expect(await keyStatus(key.id)).toBe('revoked');
    }
    await sleep(1100);
    for (const key of [first, second]) await me(other, key.secret).expect(401);
    await me(t, ownersKey.secret).expect(200);
  });

  it('records the removal and each revocation in the audit log', async () => {
    const dev = await member('developer');
    const key = await createKey(t, dev.accessToken, owner.orgId, { name: 'audited', scopes: ['credits:read'] });
    await t.http().delete(`/api/v1/orgs/${owner.orgId}/members/${dev.userId}`).set(bearer(owner.accessToken)).expect(200);
    const log = await t.http().get(`/api/v1/orgs/${owner.orgId}/audit-log?limit=2`).set(bearer(owner.accessToken)).expect(200);
    const actor = { type: 'user', id: owner.userId };
    expect(log.body.data).toEqual(expect.arrayContaining([
      expect.objectContaining({ action: 'member.removed', actor, target: { type: 'member', id: dev.userId } }),
      expect.objectContaining({ action: 'api_key.revoked', actor, target: { type: 'api_key', id: key.id }, details: { reason: 'member.removed', userId: dev.userId } }),
    ]));
  });

  it('answers an empty list for a member who created no keys, and revokes on leaving too', async () => {
    const viewer = await member('viewer');
    expect((await t.http().delete(`/api/v1/orgs/${owner.orgId}/members/${viewer.userId}`).set(bearer(owner.accessToken)).expect(200)).body.revokedApiKeys).toEqual([]);

    const leaver = await member('developer');
    const key = await createKey(t, leaver.accessToken, owner.orgId, { name: 'leaver', scopes: ['credits:read'] });
    await t.http().post(`/api/v1/orgs/${owner.orgId}/leave`).set(bearer(leaver.accessToken)).expect(204);
    await me(t, key.secret).expect(401);
    const log = await t.http().get(`/api/v1/orgs/${owner.orgId}/audit-log?action=api_key.revoked&limit=1`).set(bearer(owner.accessToken)).expect(200);
    expect(log.body.data[0]).toMatchObject({ target: { id: key.id }, details: { reason: 'member.left', userId: leaver.userId } });
  });

  it('keeps the keys working when the removal is refused (the last owner)', async () => {
    const key = await createKey(t, owner.accessToken, owner.orgId, { name: 'owner key', scopes: ['credits:read'] });
    await t.http().delete(`/api/v1/orgs/${owner.orgId}/members/${owner.userId}`).set(bearer(owner.accessToken)).expect(409);
    expect(await keyStatus(key.id)).toBe('active');
    await me(t, key.secret).expect(200);
  });
});
