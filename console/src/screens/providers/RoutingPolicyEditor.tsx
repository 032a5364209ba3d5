import { useMutation, useQueryClient } from '@tanstack/preact-query';
import { useId, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { MAX_ROUTING_TARGETS, operationName, reordered, routingPoliciesQueryKey, routingPolicyPath, type RoutingPolicy } from './providers-api';

interface RoutingPolicyEditorProps {
  operation: string;
  policy?: RoutingPolicy;
  /** `provider/model` for every model that does the operation. */
  offered: string[];
  canWrite: boolean;
}

/**
 * The route an operation's requests take when they name no provider: an ordered list of targets,
 * each the fallback of the one before, reordered with Up and Down and saved as a whole.
 */
export function RoutingPolicyEditor({ operation, policy, offered, canWrite }: RoutingPolicyEditorProps) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const titleId = useId();
  const addId = useId();
  const saved = policy?.targets ?? [];
  const [targets, setTargets] = useState<string[]>(saved);
  const [adding, setAdding] = useState('');
  const [resetting, setResetting] = useState(false);
  const name = operationName(operation);
  const refresh = () => queryClient.invalidateQueries({ queryKey: routingPoliciesQueryKey(org.id) });
  const save = useMutation({
    mutationFn: () => api<RoutingPolicy>(routingPolicyPath(org.id, operation), { method: 'PUT', body: { targets } }),
    // The parent remounts the editor with the saved policy (keyed by its updatedAt).
    onSuccess: refresh,
  });
  const reset = async () => {
    await api(routingPolicyPath(org.id, operation), { method: 'DELETE' });
    await refresh();
  };
  const changed = targets.join('\n') !== saved.join('\n');
  const addable = offered.filter((t) => !targets.includes(t));
  const add = () => {
    const target = adding || addable[0];
    if (target) setTargets([...targets, target]);
    setAdding('');
  };

  return (
    <article class="route-card" aria-labelledby={titleId}>
      <h3 id={titleId}>{name}</h3>
      <p class="hint">
        {policy ? `Saved ${formatDate(policy.updatedAt)}. Tried in this order, each the fallback of the one before.` : 'No policy: requests that name no provider go to the default provider.'}
      </p>
      {targets.length > 0 && (
        <ol class="route-list" aria-label={`${name} route`}>
          {targets.map((t, i) => (
            <li key={t}>
              <code>{t}</code>
              {!offered.includes(t) && <span class="tag">not offered now</span>}
              {canWrite && (
                <span class="route-buttons">
                  <button type="button" aria-label={`Move ${t} up`} disabled={i === 0} onClick={() => setTargets(reordered(targets, i, i - 1))}>Up</button>
                  <button type="button" aria-label={`Move ${t} down`} disabled={i === targets.length - 1} onClick={() => setTargets(reordered(targets, i, i + 1))}>Down</button>
                  <button type="button" aria-label={`Remove ${t}`} onClick={() => setTargets(targets.filter((x) => x !== t))}>Remove</button>
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
      {canWrite && (
        <>
          {addable.length > 0 && targets.length < MAX_ROUTING_TARGETS && (
            <div class="route-add">
              <label for={addId}>Add a target to {name}</label>
              <div class="route-add-row">
                <select id={addId} value={adding || addable[0]} onChange={(e) => setAdding(e.currentTarget.value)}>
                  {addable.map((t) => (
                    <option key={t} value={t}>{t}</option>
                  ))}
                </select>
                <button type="button" onClick={add}>Add</button>
              </div>
            </div>
          )}
          <ErrorMessage error={save.error} />
          <div class="actions">
            <button type="button" class="primary" disabled={!changed || targets.length === 0 || save.isPending} aria-busy={save.isPending} onClick={() => save.mutate()}>
              Save {name} route
            </button>
            {changed && <button type="button" onClick={() => { setTargets(saved); save.reset(); }}>Undo changes</button>}
            {policy && <button type="button" class="danger" onClick={() => setResetting(true)}>Use the default</button>}
          </div>
        </>
      )}
      {resetting && (
        <ConfirmDialog title={`Remove the ${name} policy`} onConfirm={reset} onClose={() => setResetting(false)}>
          <p>Requests to {name.toLowerCase()} that name no provider go to the default provider again.</p>
        </ConfirmDialog>
      )}
    </article>
  );
}
