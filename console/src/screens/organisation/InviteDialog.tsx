import { useMutation, useQueryClient } from '@tanstack/preact-query';
import { useId, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { asApiError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { useOrganization } from '../../layout/current-organization';
import { grantableRoles, invitationsQueryKey, orgPath, ROLES, type Invitation, type Role } from './organisation-api';

/** Invites an email address with a role; Darkroom mails it a link to accept. */
export function InviteDialog({ onClose }: { onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const roleId = useId();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('developer');
  const invite = useMutation({
    mutationFn: () => api<Invitation>(orgPath(org.id, 'invitations'), { method: 'POST', body: { email, role } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitationsQueryKey(org.id) }),
  });
  const offered = grantableRoles(org.role);

  if (invite.data) {
    return (
      <Dialog title="Invite member" onClose={onClose}>
        <p role="status">
          Invitation sent to <strong>{invite.data.email}</strong> as {invite.data.role}. It can be accepted until {new Date(invite.data.expiresAt).toLocaleString()}.
        </p>
        <div class="actions">
          <button type="button" class="primary" onClick={onClose}>Done</button>
        </div>
      </Dialog>
    );
  }
  const roleError = invite.error ? asApiError(invite.error).fieldMessage('role') : undefined;
  const submit = (e: Event) => {
    e.preventDefault();
    invite.mutate();
  };
  return (
    <Dialog title="Invite member" onClose={onClose}>
      <form onSubmit={submit}>
        <Field label="Email" name="email" type="email" required autoComplete="off" value={email} onValue={setEmail} error={invite.error}
          hint="They sign in (or register) with this address to accept." />
        <div class="field">
          <label for={roleId}>Role</label>
          <select id={roleId} value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} aria-invalid={roleError ? true : undefined}>
            {ROLES.filter((r) => offered.includes(r.value)).map((r) => (
              <option key={r.value} value={r.value}>{r.label}</option>
            ))}
          </select>
          {roleError && <small class="field-error">{roleError}</small>}
        </div>
        <ErrorMessage error={invite.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={invite.isPending} aria-busy={invite.isPending}>Send invitation</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
