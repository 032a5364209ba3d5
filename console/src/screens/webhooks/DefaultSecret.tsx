import { useQuery, useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { RotateSecretDialog } from './RotateSecretDialog';
import { DEFAULT_SECRET_PATH, defaultSecretQueryKey, type DefaultSecretStatus, type WebhookSecret } from './webhooks-api';

/** The organisation's default secret, which signs the deliveries to a job's own webhookUrl: whether it exists, and rotate it. */
export function DefaultSecret() {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: defaultSecretQueryKey(org.id), queryFn: () => api<DefaultSecretStatus>(DEFAULT_SECRET_PATH) });
  const [rotating, setRotating] = useState(false);
  const rotate = async () => {
    const answer = await api<WebhookSecret>(`${DEFAULT_SECRET_PATH}/rotate`, { method: 'POST' });
    await queryClient.invalidateQueries({ queryKey: defaultSecretQueryKey(org.id) });
    return answer;
  };

  return (
    <section aria-labelledby="default-secret-title" class="section">
      <div class="page-head">
        <h2 id="default-secret-title">Default secret</h2>
        {status.data && (
          <button type="button" onClick={() => setRotating(true)}>{status.data.configured ? 'Rotate default secret' : 'Create default secret'}</button>
        )}
      </div>
      <p class="lead">
        It signs the events sent to a job's own <code>webhookUrl</code>. Darkroom makes it the first time a job asks for one and shows it in that answer only.
      </p>
      {status.isPending ? (
        <p class="loading">Loading…</p>
      ) : status.error ? (
        <ErrorMessage error={status.error} />
      ) : status.data.configured ? (
        <p>
          Created {formatDate(status.data.createdAt)}
          {status.data.rotatedAt && <>, last rotated {formatDate(status.data.rotatedAt)}</>}.
        </p>
      ) : (
        <p>Not made yet.</p>
      )}
      {rotating && <RotateSecretDialog subject={<>the deliveries to jobs' own <code>webhookUrl</code></>} rotate={rotate} onClose={() => setRotating(false)} />}
    </section>
  );
}
