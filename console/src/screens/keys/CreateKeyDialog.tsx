import { useMutation, useQueryClient } from '@tanstack/preact-query';
import { useId, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { ScopePicker } from '../../components/ScopePicker';
import { SecretReveal } from '../../components/SecretReveal';
import { useOrganization } from '../../layout/current-organization';
import { apiKeysPath, apiKeysQueryKey, type ApiKeyWithSecret } from './api-keys';

const TYPES = [
  { value: 'live', label: 'Live' },
  { value: 'test', label: 'Test (free, runs on aura, publishes as dry runs)' },
  { value: 'publishable', label: 'Publishable (may ship in a browser: reads only what it created)' },
] as const;

/** Create an API key with the scopes the user holds here (the API grants no more), then show its secret once. */
export function CreateKeyDialog({ onClose }: { onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const typeId = useId();
  const [name, setName] = useState('');
  const [type, setType] = useState<(typeof TYPES)[number]['value']>('live');
  const [scopes, setScopes] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () => api<ApiKeyWithSecret>(apiKeysPath(org.id), { method: 'POST', body: type === 'publishable' ? { name, type } : { name, type, scopes } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysQueryKey(org.id) }),
  });

  if (create.data) {
    return (
      <Dialog title="Create API key" onClose={onClose}>
        <p>
          <strong>{create.data.name}</strong> is ready ({create.data.prefix}…).
        </p>
        <SecretReveal secret={create.data.secret} />
        <div class="actions">
          <button type="button" class="primary" onClick={onClose}>Done</button>
        </div>
      </Dialog>
    );
  }
  const submit = (e: Event) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Dialog title="Create API key" onClose={onClose}>
      <form onSubmit={submit}>
        <Field label="Name" name="name" required maxLength={100} value={name} onValue={setName} error={create.error} hint="What uses it, e.g. production backend." />
        <div class="field">
          <label for={typeId}>Type</label>
          <select id={typeId} value={type} onChange={(e) => setType(e.currentTarget.value as typeof type)}>
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>{t.label}</option>
            ))}
          </select>
        </div>
        {type === 'publishable' ? (
          <p class="hint">A publishable key gets jobs:read and images:read, for what it created itself.</p>
        ) : (
          <ScopePicker scopes={org.scopes} selected={scopes} onChange={setScopes} error={create.error} />
        )}
        <ErrorMessage error={create.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={create.isPending} aria-busy={create.isPending}>Create</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
