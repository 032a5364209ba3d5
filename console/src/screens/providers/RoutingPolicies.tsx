import { useQuery } from '@tanstack/preact-query';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { operationsOf, routingPoliciesPath, routingPoliciesQueryKey, targetsFor, type Provider, type RoutingPolicy } from './providers-api';
import { RoutingPolicyEditor } from './RoutingPolicyEditor';

/** The organisation's routing order per operation (providers:read to see, providers:write to change). */
export function RoutingPolicies({ providers }: { providers: Provider[] }) {
  const org = useOrganization();
  const policies = useQuery({ queryKey: routingPoliciesQueryKey(org.id), queryFn: () => api<{ data: RoutingPolicy[] }>(routingPoliciesPath(org.id)) });
  const byOperation = new Map((policies.data?.data ?? []).map((p) => [p.operation, p]));
  // Operations some provider does, then any a saved policy names that none does any more.
  const operations = [...new Set([...operationsOf(providers), ...byOperation.keys()])];

  return (
    <section class="section" aria-labelledby="routing-title">
      <h2 id="routing-title">Routing</h2>
      <p class="lead">
        Where requests go when they name no provider or model: the first target, then each next one when a provider fails in a way another might not (an outage, a
        rate limit, a refused key). A request that names a provider, a model or its own fallbacks is not routed by these.
      </p>
      {policies.isPending ? (
        <p class="loading">Loading routing…</p>
      ) : policies.error ? (
        <ErrorMessage error={policies.error} />
      ) : (
        <div class="route-grid">
          {operations.map((op) => {
            const policy = byOperation.get(op);
            return <RoutingPolicyEditor key={`${op}:${policy?.updatedAt ?? 'default'}`} operation={op} policy={policy} offered={targetsFor(providers, op)} canWrite={org.can('providers:write')} />;
          })}
        </div>
      )}
    </section>
  );
}
