import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, login, signUp, uniqueEmail, verificationToken, type TestUser } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

describe('organisations: scopes, roles, tenancy, invitations, teams, audit, operators', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const adminEmail = uniqueEmail('operator');

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAILS: adminEmail });
    alice = await signUp(t, { name: 'Alice' });
    bob = await signUp(t, { name: 'Bob' });
  });
  afterAll(() => t.close());

  /** Invites `email` into alice's org with `role` and accepts as that user. */
  async function join(user: TestUser, role: string): Promise<void> {
    await t.http().post(`/api/v1/orgs/${alice.orgId}/invitations`).set(bearer(alice.accessToken)).send({ email: user.email, role }).expect(201);
    const [mail] = await t.mailTo(user.email);
    const token = /invitations\/([^/]+)\/accept/.exec(mail.text)![1];
    const res = await t.http().post(`/api/v1/invitations/${token}/accept`).set(bearer(user.accessToken)).expect(200);
    expect(res.body).toMatchObject({ id: alice.orgId, role });
  }

  describe('scopes', () => {
    it('denies a key without the route scope, naming it', async () => {
      const key = await createKey(t, alice.accessToken, alice.orgId, { name: 'reader', scopes: ['credits:read'] });
      const cases: [string, string, string][] = [
        ['get', `/api/v1/orgs/${alice.orgId}/api-keys`, 'keys:read'],
        ['post', `/api/v1/orgs/${alice.orgId}/api-keys`, 'keys:write'],
        ['get', `/api/v1/orgs/${alice.orgId}/members`, 'org:admin'],
        ['get', `/api/v1/orgs/${alice.orgId}/audit-log`, 'org:admin'],
        ['get', `/api/v1/orgs/${alice.orgId}/teams`, 'keys:read'],
      ];
      for (const [method, path, scope] of cases) {
        const res = await (t.http() as any)[method](path).set(bearer(key.secret)).send({ name: 'x', scopes: ['credits:read'] }).expect(403);
        expect(res.body.error).toMatchObject({ code: 'insufficient_scope', requiredScope: scope });
      }
    });

    it('a key with keys:write manages keys but never grants scopes it lacks, nor rotates a stronger key', async () => {
      const manager = await createKey(t, alice.accessToken, alice.orgId, { name: 'manager', scopes: ['keys:read', 'keys:write', 'credits:read'] });
      const child = await createKey(t, manager.secret, alice.orgId, { name: 'child', scopes: ['credits:read'] });
      expect(child.createdBy).toEqual({ type: 'api_key', id: manager.id });
      const escalate = await t.http().post(`/api/v1/orgs/${alice.orgId}/api-keys`).set(bearer(manager.secret)).send({ name: 'x', scopes: ['credits:read', 'org:admin'] }).expect(403);
      expect(escalate.body.error).toMatchObject({ code: 'insufficient_scope', missingScopes: ['org:admin'] });
      const strong = await createKey(t, alice.accessToken, alice.orgId, { name: 'strong', scopes: ['org:admin'] });
      await t.http().post(`/api/v1/orgs/${alice.orgId}/api-keys/${strong.id}/rotate`).set(bearer(manager.secret)).expect(403);
    });

    it('rejects unknown scopes', async () => {
      const res = await t.http().post(`/api/v1/orgs/${alice.orgId}/api-keys`).set(bearer(alice.accessToken)).send({ name: 'x', scopes: ['everything'] }).expect(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', fields: [{ field: 'scopes' }] });
    });
  });

  describe('tenancy', () => {
    it("answers 404 for another organisation's org, keys and members, never its data", async () => {
      const aliceKey = await createKey(t, alice.accessToken, alice.orgId);
      const bobKey = await createKey(t, bob.accessToken, bob.orgId);
      const attempts: [string, string, Record<string, string>][] = [
        ['get', `/api/v1/orgs/${alice.orgId}`, bearer(bob.accessToken)],
        ['get', `/api/v1/orgs/${alice.orgId}/api-keys`, bearer(bob.accessToken)],
        ['get', `/api/v1/orgs/${alice.orgId}/api-keys/${aliceKey.id}`, bearer(bob.accessToken)],
        ['get', `/api/v1/orgs/${alice.orgId}/api-keys`, bearer(bobKey.secret)],
        ['delete', `/api/v1/orgs/${alice.orgId}/api-keys/${aliceKey.id}`, bearer(bobKey.secret)],
        ['get', `/api/v1/orgs/${bob.orgId}/api-keys/${aliceKey.id}`, bearer(bob.accessToken)],
        ['delete', `/api/v1/orgs/${bob.orgId}/api-keys/${aliceKey.id}`, bearer(bobKey.secret)],
        ['get', '/api/v1/subscription', { ...bearer(bob.accessToken), 'x-org-id': alice.orgId }],
      ];
      for (const [method, path, headers] of attempts) {
        const res = await (t.http() as any)[method](path).set(headers).expect(404);
        expect(res.body.error.code).toBe('not_found');
        expect(JSON.stringify(res.body)).not.toContain(aliceKey.prefix as string);
      }
      await t.http().get('/api/v1/me').set(bearer(aliceKey.secret)).expect(200);
    });

    it('answers a path id that cannot be a row id with the 404 of an unknown one', async () => {
      const attempts: [string, string, string][] = [
        ['get', `/api/v1/orgs/${bob.orgId}/api-keys/nope`, 'API key not found'],
        ['delete', `/api/v1/orgs/${bob.orgId}/teams/${'f'.repeat(37)}`, 'Team not found'],
        ['delete', `/api/v1/orgs/${bob.orgId}/invitations/1%27%20or%201=1`, 'Invitation not found'],
        ['get', '/api/v1/jobs/NOT-A-UUID-0000-0000-000000000000000', 'Job not found'],
        ['get', '/api/v1/webhook-endpoints/nope', 'Webhook endpoint not found'],
      ];
      for (const [method, path, message] of attempts) {
        const res = await (t.http() as any)[method](path).set(bearer(bob.accessToken)).expect(404);
        expect(res.body.error).toMatchObject({ code: 'not_found', message });
      }
    });

    it('lists only your own organisations', async () => {
      const res = await t.http().get('/api/v1/orgs').set(bearer(bob.accessToken)).expect(200);
      expect(res.body.data.map((o: { id: string }) => o.id)).toEqual([bob.orgId]);
    });
  });

  describe('roles', () => {
    let viewer: TestUser;
    let developer: TestUser;
    let admin: TestUser;
    beforeAll(async () => {
      viewer = await signUp(t, { name: 'Viewer' });
      developer = await signUp(t, { name: 'Developer' });
      admin = await signUp(t, { name: 'Admin' });
      await join(viewer, 'viewer');
      await join(developer, 'developer');
      await join(admin, 'admin');
    });

    it('a viewer cannot create keys', async () => {
      const res = await t.http().post(`/api/v1/orgs/${alice.orgId}/api-keys`).set(bearer(viewer.accessToken)).send({ name: 'x', scopes: ['credits:read'] }).expect(403);
      expect(res.body.error).toMatchObject({ code: 'insufficient_scope', requiredScope: 'keys:write' });
      await t.http().get(`/api/v1/orgs/${alice.orgId}/api-keys`).set(bearer(viewer.accessToken)).expect(200);
    });

    it('a developer creates keys but cannot grant org:admin, nor manage members', async () => {
      await createKey(t, developer.accessToken, alice.orgId, { name: 'dev', scopes: ['credits:read', 'keys:read'] });
      const res = await t.http().post(`/api/v1/orgs/${alice.orgId}/api-keys`).set(bearer(developer.accessToken)).send({ name: 'x', scopes: ['org:admin'] }).expect(403);
      expect(res.body.error.code).toBe('insufficient_scope');
      await t.http().get(`/api/v1/orgs/${alice.orgId}/members`).set(bearer(developer.accessToken)).expect(403);
    });

    it('an admin manages members but cannot hand out or take away ownership', async () => {
      const promote = await t.http().patch(`/api/v1/orgs/${alice.orgId}/members/${viewer.userId}`).set(bearer(admin.accessToken)).send({ role: 'owner' }).expect(403);
      expect(promote.body.error.code).toBe('insufficient_role');
      await t.http().patch(`/api/v1/orgs/${alice.orgId}/members/${alice.userId}`).set(bearer(admin.accessToken)).send({ role: 'viewer' }).expect(403);
      const res = await t.http().patch(`/api/v1/orgs/${alice.orgId}/members/${viewer.userId}`).set(bearer(admin.accessToken)).send({ role: 'developer' }).expect(200);
      expect(res.body).toMatchObject({ userId: viewer.userId, role: 'developer' });
      // The new role applies on the next request.
      await createKey(t, viewer.accessToken, alice.orgId, { name: 'now dev', scopes: ['credits:read'] });
      await t.http().patch(`/api/v1/orgs/${alice.orgId}/members/${viewer.userId}`).set(bearer(admin.accessToken)).send({ role: 'viewer' }).expect(200);
    });

    it('the last owner cannot be demoted, removed or leave', async () => {
      const demote = await t.http().patch(`/api/v1/orgs/${alice.orgId}/members/${alice.userId}`).set(bearer(alice.accessToken)).send({ role: 'admin' }).expect(409);
      expect(demote.body.error.code).toBe('last_owner');
      await t.http().delete(`/api/v1/orgs/${alice.orgId}/members/${alice.userId}`).set(bearer(alice.accessToken)).expect(409);
      const leave = await t.http().post(`/api/v1/orgs/${alice.orgId}/leave`).set(bearer(alice.accessToken)).expect(409);
      expect(leave.body.error.code).toBe('last_owner');
    });

    it('with a second owner, the first can step down; a removed member loses access at once', async () => {
      const second = await signUp(t, { name: 'Second owner' });
      await join(second, 'owner');
      await t.http().patch(`/api/v1/orgs/${alice.orgId}/members/${alice.userId}`).set(bearer(alice.accessToken)).send({ role: 'admin' }).expect(200);
      await t.http().patch(`/api/v1/orgs/${alice.orgId}/members/${alice.userId}`).set(bearer(second.accessToken)).send({ role: 'owner' }).expect(200);
      await t.http().delete(`/api/v1/orgs/${alice.orgId}/members/${second.userId}`).set(bearer(alice.accessToken)).expect(200);
      await t.http().get(`/api/v1/orgs/${alice.orgId}`).set(bearer(second.accessToken)).expect(404);
    });

    it('members list shows roles', async () => {
      const res = await t.http().get(`/api/v1/orgs/${alice.orgId}/members`).set(bearer(admin.accessToken)).expect(200);
      const roles = Object.fromEntries(res.body.data.map((m: { email: string; role: string }) => [m.email, m.role]));
      expect(roles).toMatchObject({ [alice.email]: 'owner', [viewer.email]: 'viewer', [developer.email]: 'developer', [admin.email]: 'admin' });
    });
  });

  describe('invitations', () => {
    it('refuses acceptance by another address, a second use, and inviting an existing member', async () => {
      const invitee = uniqueEmail('invitee');
      await t.http().post(`/api/v1/orgs/${alice.orgId}/invitations`).set(bearer(alice.accessToken)).send({ email: invitee, role: 'viewer' }).expect(201);
      const token = /invitations\/([^/]+)\/accept/.exec((await t.mailTo(invitee))[0].text)![1];
      const wrong = await t.http().post(`/api/v1/invitations/${token}/accept`).set(bearer(bob.accessToken)).expect(403);
      expect(wrong.body.error.code).toBe('invitation_email_mismatch');
      const user = await signUp(t, { email: invitee });
      await t.http().post(`/api/v1/invitations/${token}/accept`).set(bearer(user.accessToken)).expect(200);
      await t.http().post(`/api/v1/invitations/${token}/accept`).set(bearer(user.accessToken)).expect(404);
      const dup = await t.http().post(`/api/v1/orgs/${alice.orgId}/invitations`).set(bearer(alice.accessToken)).send({ email: invitee, role: 'viewer' }).expect(409);
      expect(dup.body.error.code).toBe('already_member');
    });

    it('lists and revokes open invitations', async () => {
      const email = uniqueEmail('pending');
      const inv = await t.http().post(`/api/v1/orgs/${alice.orgId}/invitations`).set(bearer(alice.accessToken)).send({ email, role: 'developer' }).expect(201);
      const list = await t.http().get(`/api/v1/orgs/${alice.orgId}/invitations`).set(bearer(alice.accessToken)).expect(200);
      expect(list.body.data.map((i: { email: string }) => i.email)).toContain(email);
      await t.http().delete(`/api/v1/orgs/${alice.orgId}/invitations/${inv.body.id}`).set(bearer(alice.accessToken)).expect(204);
      const user = await signUp(t, { email });
      const token = /invitations\/([^/]+)\/accept/.exec((await t.mailTo(email)).find((m) => m.subject.includes('invited'))!.text)![1];
      await t.http().post(`/api/v1/invitations/${token}/accept`).set(bearer(user.accessToken)).expect(404);
    });
  });

  describe('teams', () => {
    it('creates a team with members and gives it keys', async () => {
      const team = await t.http().post(`/api/v1/orgs/${alice.orgId}/teams`).set(bearer(alice.accessToken)).send({ name: 'Mobile', memberIds: [alice.userId] }).expect(201);
      expect(team.body).toMatchObject({ name: 'Mobile', memberIds: [alice.userId] });
      const key = await createKey(t, alice.accessToken, alice.orgId, { name: 'mobile key', scopes: ['credits:read'], teamId: team.body.id });
      expect(key.teamId).toBe(team.body.id);
      await t.http().post(`/api/v1/orgs/${alice.orgId}/teams`).set(bearer(alice.accessToken)).send({ name: 'Mobile' }).expect(409);
      await t.http().post(`/api/v1/orgs/${alice.orgId}/teams/${team.body.id}/members`).set(bearer(alice.accessToken)).send({ userId: bob.userId }).expect(400);
      const bobTeam = await t.http().post(`/api/v1/orgs/${bob.orgId}/teams`).set(bearer(bob.accessToken)).send({ name: 'Bob team' }).expect(201);
      const foreign = await t.http().post(`/api/v1/orgs/${alice.orgId}/api-keys`).set(bearer(alice.accessToken)).send({ name: 'x', scopes: ['credits:read'], teamId: bobTeam.body.id }).expect(404);
      expect(foreign.body.error.code).toBe('not_found');
      const list = await t.http().get(`/api/v1/orgs/${alice.orgId}/teams`).set(bearer(alice.accessToken)).expect(200);
      expect(list.body.data.map((x: { name: string }) => x.name)).toEqual(['Mobile']);
      // Deleting the team keeps its keys, without a team.
      await t.http().delete(`/api/v1/orgs/${alice.orgId}/teams/${team.body.id}`).set(bearer(alice.accessToken)).expect(204);
      const kept = await t.http().get(`/api/v1/orgs/${alice.orgId}/api-keys/${key.id}`).set(bearer(alice.accessToken)).expect(200);
      expect(kept.body).toMatchObject({ teamId: null, status: 'active' });
    });
  });

  describe('audit log', () => {
    it('records security actions for owners and admins, newest first, paged', async () => {
      const key = await createKey(t, alice.accessToken, alice.orgId, { name: 'to rotate', scopes: ['credits:read'] });
      await t.http().post(`/api/v1/orgs/${alice.orgId}/api-keys/${key.id}/rotate`).set(bearer(alice.accessToken)).expect(201);
      const page = await t.http().get(`/api/v1/orgs/${alice.orgId}/audit-log?limit=5`).set(bearer(alice.accessToken)).expect(200);
      expect(page.body.data).toHaveLength(5);
      expect(page.body.nextCursor).toEqual(expect.any(String));
      const all: { action: string }[] = [];
      let cursor: string | null = null;
      type Page = { body: { data: { action: string }[]; nextCursor: string | null } };
      do {
        const res: Page = await t.http().get(`/api/v1/orgs/${alice.orgId}/audit-log`).query({ limit: 50, ...(cursor ? { cursor } : {}) }).set(bearer(alice.accessToken)).expect(200);
        all.push(...res.body.data);
        cursor = res.body.nextCursor;
      } while (cursor);
      const actions = new Set(all.map((e) => e.action));
      for (const a of ['auth.login', 'api_key.created', 'api_key.rotated', 'member.invited', 'member.joined', 'member.role_changed', 'member.removed']) {
        expect(actions, a).toContain(a);
      }
      const filtered = await t.http().get(`/api/v1/orgs/${alice.orgId}/audit-log?action=member.invited`).set(bearer(alice.accessToken)).expect(200);
      expect(filtered.body.data.every((e: { action: string }) => e.action === 'member.invited')).toBe(true);
    });
  });

  describe('operators', () => {
    it('are invisible to everyone else', async () => {
      const res = await t.http().get('/api/v1/admin/orgs').set(bearer(alice.accessToken)).expect(404);
      expect(res.body.error.code).toBe('not_found');
      await t.http().get('/api/v1/admin/orgs').expect(404);
      await t.http().put('/api/v1/admin/orgs').set(bearer(alice.accessToken)).expect(404);
      const key = await createKey(t, alice.accessToken, alice.orgId, { name: 'k', scopes: ['org:admin'] });
      await t.http().patch(`/api/v1/admin/orgs/${alice.orgId}`).set(bearer(key.secret)).send({ plan: 'enterprise' }).expect(404);
    });

    it('must have verified their email', async () => {
      const early = await signUp(t, { email: adminEmail, verify: false });
      await t.http().get('/api/v1/admin/orgs').set(bearer(early.accessToken)).expect(404);
    });

    it('list organisations and change a plan, which applies at once', async () => {
      await t.http().post('/api/v1/auth/verify-email').send({ token: await verificationToken(t, adminEmail) }).expect(200);
      const op = { accessToken: (await login(t, adminEmail)).accessToken };
      const list = await t.http().get('/api/v1/admin/orgs?limit=100').set(bearer(op.accessToken)).expect(200);
      expect(list.body.data.map((o: { id: string }) => o.id)).toEqual(expect.arrayContaining([alice.orgId, bob.orgId]));
      const bad = await t.http().patch(`/api/v1/admin/orgs/${bob.orgId}`).set(bearer(op.accessToken)).send({ plan: 'platinum' }).expect(400);
      expect(bad.body.error.code).toBe('validation_failed');
      await t.http().patch(`/api/v1/admin/orgs/${bob.orgId}`).set(bearer(op.accessToken)).send({ plan: 'pro' }).expect(200);
      const sub = await t.http().get('/api/v1/subscription').set(bearer(bob.accessToken)).expect(200);
      expect(sub.body.plan).toMatchObject({ id: 'pro', limits: { dailyImages: 1000, workPerMinute: 20, maxWidth: 2048 }, features: { webhooks: true } });
    });
  });
});
