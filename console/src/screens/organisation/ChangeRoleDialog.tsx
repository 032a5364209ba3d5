import { useMutation, useQueryClient } from '@tanstack/preact-query';
import { useId, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { grantableRoles, membersQueryKey, orgPath, ROLES, type Member, type Role } from './organisation-api';

/** Sets a member's role (PATCH .../members/:userId); the roles offered are those the user may give. */
export function ChangeRoleDialog({ member, onClose }: { member: Member; onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const roleId = useId();
  const [role, setRole] = useState<Role>(member.role);
  const save = useMutation({
    mutationFn: () => api<Member>(orgPath(org.id, `members/${encodeURIComponent(member.userId)}`), { method: 'PATCH', body: { role } }),
    onSuccess: async () => {
      // The user's own role may have changed, and with it what the console shows.
      await Promise.all([queryClient.invalidateQueries({ queryKey: membersQueryKey(org.id) }), queryClient.invalidateQueries({ queryKey: ['me'] })]);
      onClose();
    },
  });
  const offered = grantableRoles(org.role);
  const submit = (e: Event) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Dialog title="Change role" onClose={onClose}>
      <form onSubmit={submit}>
        <p>
          <strong>{member.name}</strong> ({member.email}) is {member.role}.
        </p>
        <div class="field">
          <label for={roleId}>Role</label>
          <select id={roleId} value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {ROLES.filter((r) => offered.includes(r.value)).map((r) => (
              <option key={r.value} value={r.value}>{r.label}</option>
            ))}
          </select>
        </div>
        <ErrorMessage error={save.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={save.isPending || role === member.role} aria-busy={save.isPending}>Save</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
