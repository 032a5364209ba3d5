import { useMutation, useQueryClient } from '@tanstack/preact-query';
import { useId, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { asApiError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { providerCredentialPath, providerCredentialsQueryKey, providersQueryKey, type Provider, type ProviderCredential } from './providers-api';

/** One field of the provider's key (its credentialFields), as a password input with the API's message for it. */
// Which fields are optional is the API's to say (it names a missing one), so none is marked required here.
function CredentialField({ field, value, onInput, error }: { field: string; value: string; onInput(value: string): void; error: unknown }) {
  const id = useId();
  const message = error ? asApiError(error).fieldMessage(`credentials.${field}`) : undefined;
  return (
    <div class="field">
      <label for={id}>{field}</label>
      <input id={id} type="password" autoComplete="off" spellcheck={false} value={value}
        onInput={(e) => onInput(e.currentTarget.value)} aria-invalid={message ? true : undefined} aria-describedby={message ? `${id}-error` : undefined} />
      {message && <small id={`${id}-error`} class="field-error">{message}</small>}
    </div>
  );
}

/** Saves (or rotates) the organisation's own key for a provider; the provider is asked first whether it takes it. */
export function SaveProviderKeyDialog({ provider, saved, onClose }: { provider: Provider; saved?: ProviderCredential; onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: () =>
      api<ProviderCredential>(providerCredentialPath(org.id, provider.id), {
        method: 'PUT',
        // Fields left empty are optional ones the user did not give (an OpenAI organization id, say).
        body: { credentials: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')) },
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

  return (
    <Dialog title={`${saved ? 'Replace' : 'Save'} ${provider.name} key`} onClose={onClose}>
      <form onSubmit={submit}>
        <p class="hint">
          Calls to <code>{provider.id}</code> then run on this key, billed by the provider, for the platform fee in credits. {provider.name} is asked
          whether it takes the key before it is saved; it is kept encrypted and never shown again, only its last four characters.
        </p>
        <fieldset class="credentials">
          <legend>Credentials</legend>
          {provider.credentialFields.map((field) => (
            <CredentialField key={field} field={field} value={values[field] ?? ''} error={save.error} onInput={(value) => setValues({ ...values, [field]: value })} />
          ))}
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
