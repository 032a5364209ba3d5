import { useMutation, useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { asApiError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { useOrganization } from '../../layout/current-organization';
import { orgPath, teamsQueryKey, type Member, type Team } from './organisation-api';

/** Creates a team, with any of the organisation's members in it. */
export function CreateTeamDialog({ members, onClose }: { members: Member[]; onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [memberIds, setMemberIds] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () => api<Team>(orgPath(org.id, 'teams'), { method: 'POST', body: { name, memberIds } }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: teamsQueryKey(org.id) });
      onClose();
    },
  });
  const toggle = (userId: string, on: boolean) => setMemberIds(on ? [...memberIds, userId] : memberIds.filter((id) => id !== userId));
  const membersError = create.error ? asApiError(create.error).fieldMessage('memberIds') : undefined;
  const submit = (e: Event) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Dialog title="Create team" onClose={onClose}>
      <form onSubmit={submit}>
        <Field label="Name" name="name" required maxLength={100} value={name} onValue={setName} error={create.error} hint="Unique in the organisation, e.g. Mobile app." />
        <fieldset class="org-team-members">
          <legend>Members</legend>
          {members.map((member) => (
            <label key={member.userId} class="org-team-member-choice">
              <input type="checkbox" checked={memberIds.includes(member.userId)} onChange={(e) => toggle(member.userId, e.currentTarget.checked)} />
              {member.name} <span class="hint">{member.email}</span>
            </label>
          ))}
          {membersError && <small class="field-error">{membersError}</small>}
        </fieldset>
        <ErrorMessage error={create.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={create.isPending} aria-busy={create.isPending}>Create</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
