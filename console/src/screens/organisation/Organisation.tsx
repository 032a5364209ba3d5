import { useQuery } from '@tanstack/preact-query';
import { api } from '../../api/client';
import { useMe } from '../../api/me';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { AuditLog } from './AuditLog';
import { Invitations } from './Invitations';
import { Members } from './Members';
import { orgRoot } from './organisation-api';
import { Teams } from './Teams';
import './organisation.css';

interface OrganizationDetails {
  id: string;
  name: string;
  plan: string;
  personal: boolean;
}

/**
 * The organisation: its members and roles, invitations, teams and audit log. Owners and admins
 * (org:admin) see and change everything; everyone else sees the teams.
 */
export function Organisation() {
  const org = useOrganization();
  const me = useMe();
  const details = useQuery({ queryKey: ['organization', org.id], queryFn: () => api<OrganizationDetails>(orgRoot(org.id)) });
  const canAdmin = org.can('org:admin');

  return (
    <>
      <h1>Organisation</h1>
      {details.error ? (
        <ErrorMessage error={details.error} />
      ) : (
        <p class="lead">
          <strong>{org.name}</strong>
          {details.data && <>{details.data.personal && ' (your personal workspace)'}, on the <strong>{details.data.plan}</strong> plan</>}.
          {org.role && <> You are <strong>{org.role}</strong> here.</>}
        </p>
      )}
      {canAdmin && <Members myUserId={me.data?.user?.id} />}
      {canAdmin && <Invitations />}
      {org.can('keys:read') && <Teams />}
      {canAdmin && <AuditLog />}
      {!canAdmin && <p class="hint org-admin-hint">Owners and admins manage members, invitations and teams, and read the audit log.</p>}
    </>
  );
}
