import { useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { ChangeRoleDialog } from './ChangeRoleDialog';
import { canManageMember, membersQueryKey, orgPath, teamsQueryKey, useMembers, type Member, type MemberRemoved } from './organisation-api';

type Open = { kind: 'role'; member: Member } | { kind: 'remove'; member: Member } | { kind: 'removed'; member: Member; result: MemberRemoved } | null;

/** The members and their roles (org:admin): change a role, remove a member (which revokes the API keys they made). */
export function Members({ myUserId }: { myUserId: string | undefined }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const members = useMembers(org);
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const remove = async (member: Member) => {
    const result = await api<MemberRemoved>(orgPath(org.id, `members/${encodeURIComponent(member.userId)}`), { method: 'DELETE' });
    // Removal also takes them out of teams and revokes their keys.
    await Promise.all([membersQueryKey, teamsQueryKey].map((key) => queryClient.invalidateQueries({ queryKey: key(org.id) })));
    await queryClient.invalidateQueries({ queryKey: ['api-keys', org.id] });
    setOpen(result.revokedApiKeys.length ? { kind: 'removed', member, result } : null);
  };

  return (
    <section aria-labelledby="members-title" class="section">
      <h2 id="members-title">Members</h2>
      {members.isPending ? (
        <p class="loading">Loading members…</p>
      ) : members.error ? (
        <ErrorMessage error={members.error} />
      ) : (
        <div class="table-scroll" tabIndex={0} role="region" aria-label="Members table">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {members.data.map((member) => (
                <tr key={member.userId}>
                  <td>{member.name}{member.userId === myUserId && <span class="tag">you</span>}</td>
                  <td>{member.email}</td>
                  <td><span class={`org-role org-role-${member.role}`}>{member.role}</span></td>
                  <td>{formatDate(member.joinedAt)}</td>
                  <td class="row-actions">
                    {canManageMember(org.role, member) ? (
                      <>
                        <button type="button" onClick={() => setOpen({ kind: 'role', member })} aria-label={`Change role of ${member.name}`}>Change role</button>
                        {member.userId !== myUserId && (
                          <button type="button" class="danger" onClick={() => setOpen({ kind: 'remove', member })} aria-label={`Remove ${member.name}`}>Remove</button>
                        )}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open?.kind === 'role' && <ChangeRoleDialog member={open.member} onClose={close} />}
      {open?.kind === 'remove' && (
        <ConfirmDialog title="Remove member" onConfirm={() => remove(open.member)} onClose={close} closeWhenDone={false}>
          <p>
            Remove <strong>{open.member.name}</strong> ({open.member.email})? They lose access at once, leave every team, and the API keys they created here are revoked.
          </p>
        </ConfirmDialog>
      )}
      {open?.kind === 'removed' && (
        <Dialog title="Member removed" onClose={close}>
          <p>
            <strong>{open.member.name}</strong> is no longer a member. These API keys they created were revoked; give the integrations that used them a new key:
          </p>
          <ul>
            {open.result.revokedApiKeys.map((key) => (
              <li key={key.id}>{key.name} (<code>{key.prefix}…</code>)</li>
            ))}
          </ul>
          <div class="actions">
            <button type="button" class="primary" onClick={close}>Done</button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
