import { useMutation, useQuery, useQueryClient } from '@tanstack/preact-query';
import { useId, useState } from 'preact/hooks';
import { api, publicApi } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { SecretReveal } from '../../components/SecretReveal';
import { useOrganization } from '../../layout/current-organization';
import { credentialsBody, isListField, isSecretField } from './credential-fields';
import { CONNECTIONS_PATH, connectionsQueryKey, MARKETPLACES_PATH, type Channel, type ConnectionCreated, type RulePack } from './integrations-api';

/** The rule pack choice: the channel's default (sent as nothing), none (null) or a pack's id. */
const DEFAULT_PACK = '';
const NO_PACK = 'none';

function rulePackBody(choice: string): { rulePack?: string | null } {
  if (choice === DEFAULT_PACK) return {};
  return { rulePack: choice === NO_PACK ? null : choice };
}

function Connected({ connection, channel, onClose }: { connection: ConnectionCreated; channel: Channel; onClose(): void }) {
  return (
    <Dialog title="Connect a store" onClose={onClose}>
      <p>
        <strong>{connection.name}</strong> is connected to {connection.accountName}. Sync it to read its catalogue.
      </p>
      {channel.receivesWebhooks && (
        <>
          <p>
            Point the store’s product webhooks at <code>{connection.webhookUrl}</code>, signed with this secret
            {channel.id === 'shopify' && ' (Shopify signs with its app’s secret instead: you may ignore it)'}:
          </p>
          <SecretReveal secret={connection.webhookSecret} />
        </>
      )}
      <div class="actions">
        <button type="button" class="primary" onClick={onClose}>Done</button>
      </div>
    </Dialog>
  );
}

/** Connects a store with its channel's credential form; the store is asked to accept them first. */
export function ConnectStoreDialog({ channels, onClose }: { channels: Channel[]; onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const channelId = useId();
  const packId = useId();
  const [channel, setChannel] = useState(channels[0]);
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [pack, setPack] = useState(DEFAULT_PACK);
  const packs = useQuery({ queryKey: ['marketplaces'], queryFn: () => publicApi<{ data: RulePack[] }>(MARKETPLACES_PATH), staleTime: Infinity });
  const connect = useMutation({
    mutationFn: () =>
      api<ConnectionCreated>(CONNECTIONS_PATH, {
        method: 'POST',
        body: { channel: channel.id, name, credentials: credentialsBody(channel.credentialFields, values), ...rulePackBody(pack) },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: connectionsQueryKey(org.id) }),
  });

  if (connect.data) return <Connected connection={connect.data} channel={channel} onClose={onClose} />;
  const pick = (id: string) => {
    setChannel(channels.find((c) => c.id === id) ?? channels[0]);
    setValues({});
    connect.reset();
  };
  const submit = (e: Event) => {
    e.preventDefault();
    connect.mutate();
  };
  return (
    <Dialog title="Connect a store" onClose={onClose}>
      <form onSubmit={submit}>
        <div class="field">
          <label for={channelId}>Store</label>
          <select id={channelId} value={channel.id} onChange={(e) => pick(e.currentTarget.value)}>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>{c.name}</option>
            ))}
          </select>
          <small>{channel.description}</small>
        </div>
        <Field label="Name" name="name" required maxLength={100} value={name} onValue={setName} error={connect.error} hint="How this console names the connection, e.g. EU store." />
        <fieldset class="store-credentials">
          <legend>{channel.name} credentials</legend>
          <p class="hint">Checked with the store before anything is saved; kept encrypted and never shown again. Leave out the ones your store does not use.</p>
          {channel.credentialFields.map((field) => (
            <Field key={`${channel.id}.${field}`} label={field} name={`credentials.${field}`} value={values[field] ?? ''} onValue={(v) => setValues({ ...values, [field]: v })}
              error={connect.error} type={isSecretField(field) ? 'password' : 'text'} autoComplete="off" spellcheck={false}
              hint={isListField(field) ? 'Several values: separate them with commas.' : undefined} />
          ))}
        </fieldset>
        <div class="field">
          <label for={packId}>Rule pack</label>
          <select id={packId} value={pack} onChange={(e) => setPack(e.currentTarget.value)}>
            <option value={DEFAULT_PACK}>{channel.defaultRulePack ? `The store’s default (${channel.defaultRulePack})` : 'The store’s default (none)'}</option>
            {(packs.data?.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>{p.name}</option>
            ))}
            <option value={NO_PACK}>None: check nothing</option>
          </select>
          <small>The marketplace rules the catalogue’s images are checked against after each sync.</small>
        </div>
        <ErrorMessage error={packs.error} />
        <ErrorMessage error={connect.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={connect.isPending} aria-busy={connect.isPending}>
            {connect.isPending ? 'Checking with the store…' : 'Connect'}
          </button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
