import { useQueryClient } from '@tanstack/preact-query';
import { useId, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { SecretReveal } from '../../components/SecretReveal';
import { useOrganization } from '../../layout/current-organization';
import { apiKeysPath, apiKeysQueryKey, type ApiKey, type ApiKeyRotation } from './api-keys';

const GRACE_PERIODS = [
  { seconds: 0, label: 'Stop at once' },
  { seconds: 3600, label: 'Keep working for 1 hour' },
  { seconds: 86_400, label: 'Keep working for 1 day' },
  { seconds: 604_800, label: 'Keep working for 7 days' },
];

/** Asks, rotates (a new key with the same settings; the old one expires after the grace period), then shows the new secret once. */
export function RotateKeyDialog({ apiKey, onClose }: { apiKey: ApiKey; onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const graceId = useId();
  const [grace, setGrace] = useState(0);
  const [rotation, setRotation] = useState<ApiKeyRotation | null>(null);

  if (rotation) {
    return (
      <Dialog title="API key rotated" onClose={onClose}>
        <p>
          <strong>{rotation.key.name}</strong> has a new secret ({rotation.key.prefix}…).
        </p>
        <SecretReveal secret={rotation.key.secret} />
        <div class="actions">
          <button type="button" class="primary" onClick={onClose}>Done</button>
        </div>
      </Dialog>
    );
  }
  const rotate = async () => {
    const answer = await api<ApiKeyRotation>(`${apiKeysPath(org.id)}/${encodeURIComponent(apiKey.id)}/rotate`, { method: 'POST', body: { gracePeriodSeconds: grace } });
    await queryClient.invalidateQueries({ queryKey: apiKeysQueryKey(org.id) });
    setRotation(answer);
  };
  return (
    <ConfirmDialog title="Rotate API key" onConfirm={rotate} onClose={onClose} closeWhenDone={false}>
      <p>
        Rotate <strong>{apiKey.name}</strong> ({apiKey.prefix}…)? A new key with the same scopes replaces it.
      </p>
      <div class="field">
        <label for={graceId}>The old secret</label>
        <select id={graceId} value={grace} onChange={(e) => setGrace(Number(e.currentTarget.value))}>
          {GRACE_PERIODS.map((g) => (
            <option key={g.seconds} value={g.seconds}>{g.label}</option>
          ))}
        </select>
      </div>
    </ConfirmDialog>
  );
}
