import { formatDate } from '../../lib/format';
import { operationName, type Provider, type ProviderModel, type ProviderStatus } from './providers-api';

const STATUS_TEXT: Record<ProviderStatus, string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  open: 'Circuit open',
  unconfigured: 'Unconfigured',
};

const STATUS_HELP: Record<ProviderStatus, string> = {
  healthy: 'No recent failure.',
  degraded: 'Recent failures or a failing health check: calls still go to it.',
  open: 'Too many failures in a row, or the platform key was refused: routing passes it over.',
  unconfigured: 'The platform has no key for it: it serves only organisations that bring their own.',
};

/** The platform key's health as the API reports it, with when an open circuit is tried again. */
export function ProviderHealth({ provider }: { provider: Provider }) {
  return (
    <p class="provider-health">
      <span class={`health health-${provider.status}`}>{STATUS_TEXT[provider.status] ?? provider.status}</span>{' '}
      {STATUS_HELP[provider.status]}
      {provider.status === 'open' && provider.retryAt && <> Tried again after {formatDate(provider.retryAt)}.</>}
    </p>
  );
}

function sizesOf(model: ProviderModel): string {
  if (model.sizes.length) return model.sizes.join(', ');
  const c = model.sizeConstraints;
  return c ? `${c.minWidth}–${c.maxWidth} × ${c.minHeight}–${c.maxHeight}` : '—';
}

function Pricing({ provider }: { provider: Provider }) {
  const operations = Object.keys(provider.pricing);
  if (!operations.length) return null;
  return (
    <dl class="provider-pricing">
      {operations.map((op) => {
        const list = provider.providerPricing?.[op];
        return (
          <div key={op}>
            <dt>{operationName(op)}</dt>
            <dd>
              {provider.pricing[op]} {provider.pricing[op] === 1 ? 'credit' : 'credits'}
              {list && <span class="hint"> (list price {list.amount} {list.currency})</span>}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

/** One provider: health, what it does, its price per output and its models. */
export function ProviderCard({ provider }: { provider: Provider }) {
  const titleId = `provider-${provider.id}`;
  return (
    <article class="provider-card" aria-labelledby={titleId}>
      <div class="provider-head">
        <h3 id={titleId}>{provider.name}</h3>
        <code>{provider.id}</code>
        {provider.byok && <span class="tag">BYOK</span>}
      </div>
      <ProviderHealth provider={provider} />
      <p class="hint">{provider.description}</p>
      <p>
        <strong>Operations:</strong> {provider.operations.map(operationName).join(', ')}
      </p>
      <Pricing provider={provider} />
      {provider.requestOptions.length > 0 && (
        <p>
          <strong>Request options</strong> (<code>providerOptions.{provider.id}</code>): {provider.requestOptions.map((o) => <code key={o} class="chip">{o}</code>)}
        </p>
      )}
      <details>
        <summary>Models ({provider.models.length})</summary>
        <div class="table-scroll" tabIndex={0} role="region" aria-label={`${provider.name} models`}>
          <table>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Operations</th>
                <th scope="col">Sizes</th>
                <th scope="col">Formats</th>
                <th scope="col">Per call</th>
              </tr>
            </thead>
            <tbody>
              {provider.models.map((m) => (
                <tr key={m.id}>
                  <td>
                    {m.name} <code>{m.id}</code>
                  </td>
                  <td>{m.operations.map(operationName).join(', ')}</td>
                  <td class="model-sizes">{sizesOf(m)}</td>
                  <td>{m.formats.join(', ')}</td>
                  <td>{m.maxImagesPerCall}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </article>
  );
}
