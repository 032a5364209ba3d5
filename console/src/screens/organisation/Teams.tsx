import { useQuery, useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { CreateTeamDialog } from './CreateTeamDialog';
import { memberLabel, orgPath, teamsQueryKey, useMembers, type Team } from './organisation-api';
import { TeamMembersDialog } from './TeamMembersDialog';

type Open = { kind: 'create' } | { kind: 'members'; teamId: string } | { kind: 'delete'; team: Team } | null;

/** Teams group members and API keys (keys:read to see them, org:admin to change them). */
export function Teams() {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const canAdmin = org.can('org:admin');
  const members = useMembers(org);
  const teams = useQuery({ queryKey: teamsQueryKey(org.id), queryFn: () => api<{ data: Team[] }>(orgPath(org.id, 'teams')).then((r) => r.data) });
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const remove = async (team: Team) => {
    await api(orgPath(org.id, `teams/${encodeURIComponent(team.id)}`), { method: 'DELETE' });
    await queryClient.invalidateQueries({ queryKey: teamsQueryKey(org.id) });
  };
  // The dialog follows the list, so it shows each change as soon as the list is read again.
  const managed = open?.kind === 'members' ? teams.data?.find((t) => t.id === open.teamId) : undefined;

  return (
    <section aria-labelledby="teams-title" class="section">
      <div class="page-head">
        <h2 id="teams-title">Teams</h2>
        {canAdmin && members.data && (
          <button type="button" class="primary" onClick={() => setOpen({ kind: 'create' })}>Create team</button>
        )}
      </div>
      <p class="lead">Teams group members, and an API key can belong to one. They do not change anyone's permissions.</p>
      {teams.isPending ? (
        <p class="loading">Loading teams…</p>
      ) : teams.error ? (
        <ErrorMessage error={teams.error} />
      ) : (
        <div class="table-scroll" tabIndex={0} role="region" aria-label="Teams table">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Members</th>
                <th scope="col">Created</th>
                {canAdmin && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {teams.data.length === 0 && (
                <tr>
                  <td colSpan={canAdmin ? 4 : 3} class="empty">No teams yet.</td>
                </tr>
              )}
              {teams.data.map((team) => (
                <tr key={team.id}>
                  <td>{team.name}</td>
                  <td class="org-team-members-cell">
                    {members.data ? team.memberIds.map((id) => <span key={id}>{memberLabel(members.data, id)}</span>) : `${team.memberIds.length}`}
                  </td>
                  <td>{formatDate(team.createdAt)}</td>
                  {canAdmin && (
                    <td class="row-actions">
                      <button type="button" disabled={!members.data} onClick={() => setOpen({ kind: 'members', teamId: team.id })} aria-label={`Members of ${team.name}`}>Members</button>
                      <button type="button" class="danger" onClick={() => setOpen({ kind: 'delete', team })} aria-label={`Delete ${team.name}`}>Delete</button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open?.kind === 'create' && members.data && <CreateTeamDialog members={members.data} onClose={close} />}
      {managed && members.data && <TeamMembersDialog team={managed} members={members.data} onClose={close} />}
      {open?.kind === 'delete' && (
        <ConfirmDialog title="Delete team" onConfirm={() => remove(open.team)} onClose={close}>
          <p>
            Delete <strong>{open.team.name}</strong>? Its API keys keep working, without a team.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
