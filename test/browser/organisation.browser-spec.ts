import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiOk, signUpByApi, tokenOf, uniqueEmail, type ApiUser } from './support/api';
import { describeInChromium, launchChromium } from './support/chromium';
import { startConsoleServer, type ConsoleServer } from './support/console-server';
import { expectAccessible, newConsoleContext, screenshot, signIn } from './support/pages';

/** More audit events than the log's first page holds (20). */
const AUDITED_KEYS = 21;

async function openOrganisation(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organisation', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Organisation' }).waitFor();
}

describeInChromium('the organisation screen', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let owner: ApiUser;
  let member: ApiUser;
  let viewer: ApiUser;

  /** Invites by the API and accepts from the mailed link, as the invited person does. */
  async function join(user: ApiUser, role: string): Promise<void> {
    await apiOk(server.base, 'POST', `/api/v1/orgs/${owner.orgId}/invitations`, 201, { token: owner.accessToken, body: { email: user.email, role } });
    await acceptInvitation(user);
  }
  async function acceptInvitation(user: ApiUser): Promise<void> {
    const invitation = tokenOf(await server.mailedLink(user.email, '/accept'));
    await apiOk(server.base, 'POST', `/api/v1/invitations/${invitation}/accept`, 200, { token: user.accessToken });
  }

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    owner = await signUpByApi(server, { name: 'Olive Owner', email: uniqueEmail('olive') });
    member = await signUpByApi(server, { name: 'Mia Member', email: uniqueEmail('mia') });
    viewer = await signUpByApi(server, { name: 'Vic Viewer', email: uniqueEmail('vic') });
    for (let i = 0; i < AUDITED_KEYS; i++) {
      await apiOk(server.base, 'POST', `/api/v1/orgs/${owner.orgId}/api-keys`, 201, { token: owner.accessToken, body: { name: `key ${i}`, scopes: ['jobs:read'] } });
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an owner invites, changes a role, groups members in teams, reads the audit log page by page and removes a member', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, owner.email);
    await openOrganisation(page);
    await page.getByText(/You are owner here/).waitFor();
    const members = page.getByRole('region', { name: 'Members table' });
    await members.getByRole('row').filter({ hasText: owner.email }).getByText('you').waitFor();

    // Invite: the dialog, then the open invitation.
    await page.getByRole('button', { name: 'Invite member' }).click();
    const invite = page.getByRole('dialog', { name: 'Invite member' });
    await invite.getByLabel('Email').fill(member.email);
    await invite.getByLabel('Role').selectOption('viewer');
    await expectAccessible(page, 'organisation-invite');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await invite.getByRole('status').filter({ hasText: `Invitation sent to ${member.email} as viewer` }).waitFor();
    await invite.getByRole('button', { name: 'Done' }).click();
    const invitations = page.getByRole('region', { name: 'Invitations table' });
    await invitations.getByRole('row').filter({ hasText: member.email }).waitFor();

    // Accepted (from the mail, outside the console): a member, no longer an invitation.
    await acceptInvitation(member);
    await page.reload();
    const memberRow = members.getByRole('row').filter({ hasText: member.email });
    await memberRow.waitFor();
    expect(await memberRow.textContent()).toContain('viewer');
    await invitations.getByText('No open invitations.').waitFor();

    await memberRow.getByRole('button', { name: 'Change role of Mia Member' }).click();
    const changeRole = page.getByRole('dialog', { name: 'Change role' });
    await changeRole.getByLabel('Role').selectOption('developer');
    await changeRole.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => memberRow.textContent()).toContain('developer');

    // Teams: created with a member, then one added and one taken out.
    await page.getByRole('button', { name: 'Create team' }).click();
    const createTeam = page.getByRole('dialog', { name: 'Create team' });
    await createTeam.getByLabel('Name').fill('Mobile app');
    await createTeam.getByRole('checkbox', { name: /Mia Member/ }).check();
    await expectAccessible(page, 'organisation-create-team');
    await createTeam.getByRole('button', { name: 'Create' }).click();
    const teamRow = page.getByRole('region', { name: 'Teams table' }).getByRole('row').filter({ hasText: 'Mobile app' });
    await teamRow.waitFor();
    expect(await teamRow.textContent()).toContain(member.email);

    await teamRow.getByRole('button', { name: 'Members of Mobile app' }).click();
    const teamMembers = page.getByRole('dialog', { name: 'Members of Mobile app' });
    await teamMembers.getByLabel('Add member').selectOption({ label: `Olive Owner (${owner.email})` });
    await teamMembers.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => teamMembers.getByRole('listitem').count()).toBe(2);
    await teamMembers.getByRole('button', { name: `Remove Mia Member <${member.email}> from the team` }).click();
    await expect.poll(() => teamMembers.getByRole('listitem').count()).toBe(1);
    await teamMembers.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => teamRow.textContent()).not.toContain(member.email);
    expect(await teamRow.textContent()).toContain(owner.email);

    // The audit log: the role change with its details; filtered by action; then page by page.
    const log = page.getByRole('region', { name: 'Audit log table' });
    const roleChange = log.getByRole('row').filter({ hasText: 'member.role_changed' });
    await page.reload();
    await roleChange.waitFor();
    expect(await roleChange.textContent()).toMatch(/from\s*viewer\s*to\s*developer/);
    expect(await roleChange.textContent()).toContain('Mia Member');
    await screenshot(page, 'organisation-owner');
    const filter = page.getByRole('search', { name: 'Audit log filter' });
    await filter.getByLabel('Action').fill('member.role_changed');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => log.getByRole('row').count()).toBe(2);
    await filter.getByLabel('Action').fill('');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => log.getByRole('row').count()).toBe(21);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => log.getByRole('row').count()).toBeGreaterThan(21);
    expect(await log.getByRole('row').filter({ hasText: 'api_key.created' }).count()).toBe(AUDITED_KEYS);

    // Revoking an invitation.
    const ghost = uniqueEmail('ghost');
    await page.getByRole('button', { name: 'Invite member' }).click();
    await invite.getByLabel('Email').fill(ghost);
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await invite.getByRole('button', { name: 'Done' }).click();
    await invitations.getByRole('button', { name: `Revoke the invitation of ${ghost}` }).click();
    await page.getByRole('dialog', { name: 'Revoke invitation' }).getByRole('button', { name: 'Confirm' }).click();
    await invitations.getByText('No open invitations.').waitFor();

    // Removing the member revokes the key they made, and says which.
    await apiOk(server.base, 'POST', `/api/v1/orgs/${owner.orgId}/api-keys`, 201, { token: member.accessToken, body: { name: 'mia ci', scopes: ['jobs:read'] } });
    await memberRow.getByRole('button', { name: 'Remove Mia Member' }).click();
    await page.getByRole('dialog', { name: 'Remove member' }).getByRole('button', { name: 'Confirm' }).click();
    const removed = page.getByRole('dialog', { name: 'Member removed' });
    await removed.getByText('mia ci').waitFor();
    await removed.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => memberRow.count()).toBe(0);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('a viewer sees the teams, not the members, invitations or audit log, and no request is refused', async () => {
    await join(viewer, 'viewer');
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, viewer.email);
    await page.getByLabel('Organisation', { exact: true }).selectOption({ label: owner.orgName });
    await page.getByRole('row').filter({ hasText: 'key 20' }).waitFor();
    await openOrganisation(page);
    await page.getByRole('region', { name: 'Teams table' }).getByRole('row').filter({ hasText: 'Mobile app' }).waitFor();
    await page.waitForLoadState('networkidle');
    await page.getByText(/You are viewer here/).waitFor();
    for (const name of ['Members', 'Invitations', 'Audit log']) expect(await page.getByRole('heading', { name, exact: true }).count(), name).toBe(0);
    for (const name of ['Create team', 'Invite member', 'Members of Mobile app']) expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    await expectAccessible(page, 'organisation-viewer');
    // Every webhook route needs webhooks:write, which a viewer lacks: no nav entry.
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks', exact: true }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
