import { useOrganization } from '../../layout/current-organization';
import { DefaultSecret } from './DefaultSecret';
import { Deliveries } from './Deliveries';
import { Endpoints, useEndpoints } from './Endpoints';
import './webhooks.css';

/** Endpoints, the delivery log with Redeliver, and the default secret of jobs' own webhookUrl. */
function WebhookSections({ orgId }: { orgId: string }) {
  const endpoints = useEndpoints(orgId);
  return (
    <>
      <Endpoints endpoints={endpoints} />
      <Deliveries endpoints={endpoints.data ?? []} />
      <DefaultSecret />
    </>
  );
}

/** Webhooks (every route needs webhooks:write: without it, the screen says so and calls nothing). */
export function Webhooks() {
  const org = useOrganization();
  return (
    <>
      <h1>Webhooks</h1>
      {org.can('webhooks:write') ? (
        <>
          <p class="lead">
            Darkroom POSTs signed events (Standard Webhooks) to your endpoints when jobs end, credits run low or a store connection needs attention. Webhooks are a plan feature.
          </p>
          <WebhookSections orgId={org.id} />
        </>
      ) : (
        <p>Managing webhooks needs the <code>webhooks:write</code> scope, which owners, admins and developers have.</p>
      )}
    </>
  );
}
