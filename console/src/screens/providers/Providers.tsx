import { useQuery } from '@tanstack/preact-query';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { usePlanFeature } from '../../components/plan-features';
import { useOrganization } from '../../layout/current-organization';
import { ProviderCard } from './ProviderCard';
import { ProviderKeys } from './ProviderKeys';
import { PROVIDERS_PATH, providersQueryKey, type Provider } from './providers-api';
import { RoutingPolicies } from './RoutingPolicies';
import './providers.css';

/** The providers this installation runs, their health, the organisation's own keys and its routing order. */
export function Providers() {
  const org = useOrganization();
  const providers = useQuery({ queryKey: providersQueryKey(org.id), queryFn: () => api<{ data: Provider[] }>(PROVIDERS_PATH) });
  const planHasByok = usePlanFeature('byok');

  return (
    <>
      <h1>Providers</h1>
      <p class="lead">The image and video backends requests run on, with the health of the platform’s key for each, what they cost and where requests go.</p>
      {providers.isPending ? (
        <p class="loading">Loading providers…</p>
      ) : providers.error ? (
        <ErrorMessage error={providers.error} />
      ) : (
        <>
          <section aria-labelledby="providers-health-title">
            <h2 id="providers-health-title">Health and pricing</h2>
            <div class="provider-grid">
              {providers.data.data.map((p) => (
                <ProviderCard key={p.id} provider={p} />
              ))}
            </div>
          </section>
          {org.can('org:admin') && <ProviderKeys providers={providers.data.data} planHasByok={planHasByok} />}
          <RoutingPolicies providers={providers.data.data} />
        </>
      )}
    </>
  );
}
