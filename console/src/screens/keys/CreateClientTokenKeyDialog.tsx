import { useMutation, useQueryClient } from '@tanstack/preact-query';
import { useId, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { asApiError } from '../../api/errors';
import { enumOf, useOpenApi } from '../../api/openapi';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { ScopePicker } from '../../components/ScopePicker';
import { useOrganization } from '../../layout/current-organization';
import { clientTokenKeysPath, clientTokenKeysQueryKey, type ClientTokenKey } from './client-token-keys';

type Algorithm = ClientTokenKey['algorithm'];

/**
 * Registers a signing key: a shared secret (HS256) or a public key (RS256, ES256). The scopes
 * offered are those a client token may carry (from the OpenAPI document) that the user holds.
 */
export function CreateClientTokenKeyDialog({ onClose }: { onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const openapi = useOpenApi();
  const algorithmId = useId();
  const publicKeyId = useId();
  const [name, setName] = useState('');
  const [algorithm, setAlgorithm] = useState<Algorithm>('HS256');
  const [secret, setSecret] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      api<ClientTokenKey>(clientTokenKeysPath(org.id), {
        method: 'POST',
        body: algorithm === 'HS256' ? { name, algorithm, secret, scopes } : { name, algorithm, publicKey, scopes },
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: clientTokenKeysQueryKey(org.id) });
      onClose();
    },
  });
  const offered = openapi.data ? enumOf(openapi.data, 'ClientTokenKeyCreateDto', 'scopes').filter((s) => org.can(s)) : [];
  const publicKeyError = create.error ? asApiError(create.error).fieldMessage('publicKey') : undefined;
  const submit = (e: Event) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <Dialog title="Add client-token signing key" onClose={onClose}>
      <form onSubmit={submit}>
        <Field label="Name" name="name" required maxLength={100} value={name} onValue={setName} error={create.error} />
        <div class="field">
          <label for={algorithmId}>Algorithm</label>
          <select id={algorithmId} value={algorithm} onChange={(e) => setAlgorithm(e.currentTarget.value as Algorithm)}>
            <option value="HS256">HS256 (shared secret)</option>
            <option value="RS256">RS256 (RSA public key)</option>
            <option value="ES256">ES256 (EC P-256 public key)</option>
          </select>
        </div>
        {algorithm === 'HS256' ? (
          <Field label="Shared secret" name="secret" type="password" autoComplete="off" required minLength={32} maxLength={512} value={secret} onValue={setSecret} error={create.error}
            hint="At least 32 characters. Stored encrypted and never shown again." />
        ) : (
          <div class="field">
            <label for={publicKeyId}>Public key (PEM)</label>
            <textarea id={publicKeyId} name="publicKey" required rows={6} spellcheck={false} placeholder="-----BEGIN PUBLIC KEY-----" value={publicKey}
              onInput={(e) => setPublicKey(e.currentTarget.value)} aria-invalid={publicKeyError ? true : undefined} />
            {publicKeyError && <small class="field-error">{publicKeyError}</small>}
          </div>
        )}
        {openapi.isPending ? <p class="loading">Loading scopes…</p> : openapi.error ? <ErrorMessage error={openapi.error} /> : <ScopePicker scopes={offered} selected={scopes} onChange={setScopes} error={create.error} />}
        <ErrorMessage error={create.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={create.isPending} aria-busy={create.isPending}>Add key</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
