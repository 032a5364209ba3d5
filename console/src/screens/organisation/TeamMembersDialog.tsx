import { useMutation, useQueryClient } from '@tanstack/preact-query';
import { useId, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { memberLabel, orgPath, teamsQueryKey, type Member, type Team } from './organisation-api';

type Change = { kind: 'add'; userId: string } | { kind: 'remove'; userId: string };

/** A team's members: add one of the organisation's members, take one out. */
export function TeamMembersDialog({ team, members, onClose }: { team: Team; members: Member[]; onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const addId = useId();
  const outside = members.filter((m) => !team.memberIds.includes(m.userId));
  const [adding, setAdding] = useState('');
  const teamPath = orgPath(org.id, `teams/${encodeURIComponent(team.id)}/members`);
  const change = useMutation({
    mutationFn: (c: Change) =>
      c.kind === 'add'
        ? api<Team>(teamPath, { method: 'POST', body: { userId: c.userId } })
        : api<Team>(`${teamPath}/${encodeURIComponent(c.userId)}`, { method: 'DELETE' }),
    onSuccess: async () => {
      setAdding('');
      await queryClient.invalidateQueries({ queryKey: teamsQueryKey(org.id) });
    },
  });
  const chosen = outside.some((m) => m.userId === adding) ? adding : (outside[0]?.userId ?? '');
  const add = (e: Event) => {
    e.preventDefault();
    if (chosen) change.mutate({ kind: 'add', userId: chosen });
  };

  return (
    <Dialog title={`Members of ${team.name}`} onClose={onClose}>
      {team.memberIds.length === 0 ? (
        <p class="hint">Nobody is in this team yet.</p>
      ) : (
        <ul class="org-team-member-list">
          {team.memberIds.map((userId) => (
            <li key={userId}>
              <span>{memberLabel(members, userId)}</span>
              <button type="button" class="danger" disabled={change.isPending} onClick={() => change.mutate({ kind: 'remove', userId })}
                aria-label={`Remove ${memberLabel(members, userId)} from the team`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {outside.length > 0 && (
        <form onSubmit={add} class="org-inline-form">
          <div class="field">
            <label for={addId}>Add member</label>
            <select id={addId} value={chosen} onChange={(e) => setAdding(e.currentTarget.value)}>
              {outside.map((m) => (
                <option key={m.userId} value={m.userId}>{m.name} ({m.email})</option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={change.isPending} aria-busy={change.isPending}>Add</button>
        </form>
      )}
      <ErrorMessage error={change.error} />
      <div class="actions">
        <button type="button" class="primary" onClick={onClose}>Done</button>
      </div>
    </Dialog>
  );
}
