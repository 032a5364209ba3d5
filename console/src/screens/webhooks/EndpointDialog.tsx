import { useMutation, useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { enumOf, useOpenApi } from '../../api/openapi';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { SecretReveal } from '../../components/SecretReveal';
import { useOrganization } from '../../layout/current-organization';
import { EventPicker } from './EventPicker';
import { ENDPOINTS_PATH, endpointsQueryKey, type WebhookEndpoint, type WebhookEndpointCreated } from './webhooks-api';

/**
 * Adds an endpoint (then shows its signing secret, once) or, given one, edits it: URL, description,
 * events and whether it is enabled. The event types come from the OpenAPI document.
 */
export function EndpointDialog({ endpoint, onClose }: { endpoint?: WebhookEndpoint; onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const openapi = useOpenApi();
  const offered = openapi.data ? enumOf(openapi.data, 'CreateWebhookEndpointDto', 'events') : [];
  const [url, setUrl] = useState(endpoint?.url ?? '');
  const [description, setDescription] = useState(endpoint?.description ?? '');
  // A new endpoint listens to everything unless told otherwise, as the API's default.
  const [events, setEvents] = useState<string[] | null>(endpoint?.events ?? null);
  const [enabled, setEnabled] = useState(endpoint?.enabled ?? true);
  const chosen = events ?? offered;
  const save = useMutation({
    // The secret comes only with a new endpoint, in that answer alone.
    mutationFn: (): Promise<{ saved: WebhookEndpoint; secret: string | null }> =>
      endpoint
        ? api<WebhookEndpoint>(`${ENDPOINTS_PATH}/${encodeURIComponent(endpoint.id)}`, {
            method: 'PATCH',
            body: { url, description: description || null, events: chosen, ...(enabled !== endpoint.enabled ? { enabled } : {}) },
          }).then((saved) => ({ saved, secret: null }))
        : api<WebhookEndpointCreated>(ENDPOINTS_PATH, { method: 'POST', body: { url, events: chosen, ...(description ? { description } : {}) } }).then(
            ({ secret, ...saved }) => ({ saved, secret }),
          ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: endpointsQueryKey(org.id) });
      if (endpoint) onClose();
    },
  });
  const title = endpoint ? 'Edit webhook endpoint' : 'Add webhook endpoint';

  if (save.data?.secret) {
    const { saved, secret } = save.data;
    return (
      <Dialog title={title} onClose={onClose}>
        <p>
          <code>{saved.url}</code> receives {saved.events.join(', ')}. Verify each delivery's signature with this secret (Standard Webhooks).
        </p>
        <SecretReveal secret={secret} />
        <div class="actions">
          <button type="button" class="primary" onClick={onClose}>Done</button>
        </div>
      </Dialog>
    );
  }
  const submit = (e: Event) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit}>
        <Field label="URL" name="url" type="url" required maxLength={2048} placeholder="https://example.com/hooks/darkroom" value={url} onValue={setUrl} error={save.error}
          hint="http or https, on a public address: Darkroom POSTs each event here." />
        <Field label="Description" name="description" maxLength={500} value={description} onValue={setDescription} error={save.error} />
        {openapi.isPending ? (
          <p class="loading">Loading event types…</p>
        ) : openapi.error ? (
          <ErrorMessage error={openapi.error} />
        ) : (
          <EventPicker events={offered} selected={chosen} onChange={setEvents} error={save.error} />
        )}
        {endpoint && (
          <label class="checkbox wh-enabled">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
            Enabled
          </label>
        )}
        <ErrorMessage error={save.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={save.isPending || openapi.isPending} aria-busy={save.isPending}>{endpoint ? 'Save' : 'Add endpoint'}</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
