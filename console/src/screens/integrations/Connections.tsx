import { useState } from 'preact/hooks';
import { ErrorMessage } from '../../components/ErrorMessage';
import { usePlanFeature } from '../../components/plan-features';
import { useOrganization } from '../../layout/current-organization';
import { ConnectionCard } from './ConnectionCard';
import { ConnectStoreDialog } from './ConnectStoreDialog';
import type { Channel, Connection } from './integrations-api';

interface ConnectionsProps {
  channels: Channel[];
  connections: Connection[];
  /** Why the list could not be read (e.g. a plan without channels). */
  error: unknown;
}

/** The organisation's store connections, and Connect store (channels:write). */
export function Connections({ channels, connections, error }: ConnectionsProps) {
  const org = useOrganization();
  const [connecting, setConnecting] = useState(false);
  const planHasChannels = usePlanFeature('channels');
  const byId = new Map(channels.map((c) => [c.id, c]));

  return (
    <section class="section" aria-labelledby="connections-title">
      <div class="page-head">
        <h2 id="connections-title">Connections</h2>
        {org.can('channels:write') && planHasChannels && channels.length > 0 && (
          <button type="button" class="primary" onClick={() => setConnecting(true)}>Connect store</button>
        )}
      </div>
      {channels.length === 0 && <p class="hint">This installation offers no stores to connect (its operator sets CHANNEL_PLUGINS).</p>}
      {!planHasChannels && <p class="warning">Your plan does not include store connections: an operator can move your organisation to a plan that does.</p>}
      <ErrorMessage error={error} />
      {!error && connections.length === 0 && channels.length > 0 && planHasChannels && <p class="hint">No store connected yet.</p>}
      <div class="connection-grid">
        {connections.map((c) => (
          <ConnectionCard key={c.id} connection={c} channel={byId.get(c.channel)} />
        ))}
      </div>
      {connecting && <ConnectStoreDialog channels={channels} onClose={() => setConnecting(false)} />}
    </section>
  );
}
