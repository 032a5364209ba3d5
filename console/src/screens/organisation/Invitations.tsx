import { useQuery, useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { InviteDialog } from './InviteDialog';
import { invitationsQueryKey, memberLabel, orgPath, useMembers, type Invitation } from './organisation-api';
import { DataTable } from '../../components/DataTable';

/** The invitations not yet accepted, revoked or expired (org:admin): invite, revoke. */
export function Invitations() {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const members = useMembers(org);
  const invitations = useQuery({
    queryKey: invitationsQueryKey(org.id),
    queryFn: () => api<{ data: Invitation[] }>(orgPath(org.id, 'invitations')).then((r) => r.data),
  });
  const [inviting, setInviting] = useState(false);
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const revoke = async (invitation: Invitation) => {
    await api(orgPath(org.id, `invitations/${encodeURIComponent(invitation.id)}`), { method: 'DELETE' });
    await queryClient.invalidateQueries({ queryKey: invitationsQueryKey(org.id) });
  };

  return (
    <section aria-labelledby="invitations-title" class="section">
      <div class="page-head">
        <h2 id="invitations-title">Invitations</h2>
        <button type="button" class="primary" onClick={() => setInviting(true)}>Invite member</button>
      </div>
      {invitations.isPending ? (
        <p class="loading">Loading invitations…</p>
      ) : invitations.error ? (
        <ErrorMessage error={invitations.error} />
      ) : (
        <DataTable label="Invitations table" columns={['Email', 'Role', 'Invited by', 'Sent', 'Expires', 'Actions']} empty={invitations.data.length === 0 ? 'No open invitations.' : null}>
          {invitations.data.map((invitation) => (
            <tr key={invitation.id}>
              <td>{invitation.email}</td>
              <td><span class={`org-role org-role-${invitation.role}`}>{invitation.role}</span></td>
              <td>{memberLabel(members.data, invitation.invitedByUserId)}</td>
              <td>{formatDate(invitation.createdAt)}</td>
              <td>{formatDate(invitation.expiresAt)}</td>
              <td class="row-actions">
                <button type="button" class="danger" onClick={() => setRevoking(invitation)} aria-label={`Revoke the invitation of ${invitation.email}`}>Revoke</button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {inviting && <InviteDialog onClose={() => setInviting(false)} />}
      {revoking && (
        <ConfirmDialog title="Revoke invitation" onConfirm={() => revoke(revoking)} onClose={() => setRevoking(null)}>
          <p>
            Revoke the invitation of <strong>{revoking.email}</strong>? Its link stops working.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
