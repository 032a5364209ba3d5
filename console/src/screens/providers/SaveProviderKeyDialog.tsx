import { useMutation, useQueryClient } from '@tanstack/preact-query';
import { useId, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { asApiError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { providerCredentialPath, providerCredentialsQueryKey, providersQueryKey, type Provider, type ProviderCredential } from './providers-api';

interface CredentialRow {
  key: number;
  field: string;
  value: string;
}

let nextRowKey = 0;
const row = (field: string): CredentialRow => ({ key: nextRowKey++, field, value: '' });

/**
 * The fields of one credential row. GET /api/v1/providers does not say which fields a provider's
 * key takes, so the form starts from the saved key's fields (or `apiKey`, which most take) and the
 * user may rename and add fields; the API names the fields it expects when they are wrong.
 */
function CredentialRowFields({ row: r, onChange, onRemove, error, removable }: { row: CredentialRow; onChange(r: CredentialRow): void; onRemove(): void; error: unknown; removable: boolean }) {
  const id = useId();
  const message = error && r.field ? asApiError(error).fieldMessage(`credentials.${r.field}`) : undefined;
  return (
    <div class="credential-row">
      <div class="field">
        <label for={`${id}-field`}>Field</label>
        <input id={`${id}-field`} required spellcheck={false} autoComplete="off" value={r.field} onInput={(e) => onChange({ ...r, field: e.currentTarget.value.trim() })} />
      </div>
      <div class="field">
        <label for={`${id}-value`}>Value</label>
        <input id={`${id}-value`} type="password" required autoComplete="off" spellcheck={false} value={r.value}
          onInput={(e) => onChange({ ...r, value: e.currentTarget.value })} aria-invalid={message ? true : undefined} aria-describedby={message ? `${id}-error` : undefined} />
        {message && <small id={`${id}-error`} class="field-error">{message}</small>}
      </div>
      {removable && (
        <button type="button" class="remove-row" aria-label={`Remove field ${r.field || ''}`.trim()} onClick={onRemove}>Remove</button>
      )}
    </div>
  );
}

/** Saves (or rotates) the organisation's own key for a provider; the provider is asked first whether it takes it. */
export function SaveProviderKeyDialog({ provider, saved, onClose }: { provider: Provider; saved?: ProviderCredential; onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<CredentialRow[]>(() => (saved ? Object.keys(saved.hint) : ['apiKey']).map(row));
  const save = useMutation({
    mutationFn: () =>
      api<ProviderCredential>(providerCredentialPath(org.id, provider.id), {
        method: 'PUT',
        body: { credentials: Object.fromEntries(rows.map((r) => [r.field, r.value])) },
      }),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: providerCredentialsQueryKey(org.id) }),
        queryClient.invalidateQueries({ queryKey: providersQueryKey(org.id) }),
      ]);
      onClose();
    },
  });
  const submit = (e: Event) => {
    e.preventDefault();
    save.mutate();
  };
  const update = (next: CredentialRow) => setRows(rows.map((r) => (r.key === next.key ? next : r)));

  return (
    <Dialog title={`${saved ? 'Replace' : 'Save'} ${provider.name} key`} onClose={onClose}>
      <form onSubmit={submit}>
        <p class="hint">
          Calls to <code>{provider.id}</code> then run on this key, billed by the provider, for the platform fee in credits. {provider.name} is asked
          whether it takes the key before it is saved; it is kept encrypted and never shown again, only its last four characters.
        </p>
        <fieldset class="credentials">
          <legend>Credentials</legend>
          <p class="hint">Most providers take <code>apiKey</code>; if the fields are wrong, the answer names the ones {provider.name} takes.</p>
          {rows.map((r) => (
            <CredentialRowFields key={r.key} row={r} onChange={update} onRemove={() => setRows(rows.filter((x) => x.key !== r.key))} error={save.error} removable={rows.length > 1} />
          ))}
          <button type="button" onClick={() => setRows([...rows, row('')])}>Add field</button>
        </fieldset>
        <ErrorMessage error={save.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={save.isPending} aria-busy={save.isPending}>
            {save.isPending ? 'Checking the key…' : 'Save key'}
          </button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
