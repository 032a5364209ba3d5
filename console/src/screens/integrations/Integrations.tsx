import { useQuery } from '@tanstack/preact-query';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { Activity } from './Activity';
import { Catalogue } from './Catalogue';
import { Connections } from './Connections';
import { CHANNELS_PATH, channelsQueryKey, CONNECTIONS_PATH, connectionsQueryKey, type Channel, type Connection } from './integrations-api';
import './integrations.css';

/** Store connections, their synced catalogues with compliance, direct publishing and the publish activity. */
export function Integrations() {
  const org = useOrganization();
  const channels = useQuery({ queryKey: channelsQueryKey(org.id), queryFn: () => api<{ data: Channel[] }>(CHANNELS_PATH), staleTime: Infinity });
  const connections = useQuery({ queryKey: connectionsQueryKey(org.id), queryFn: () => api<{ data: Connection[] }>(CONNECTIONS_PATH) });
  const list = connections.data?.data ?? [];

  return (
    <>
      <h1>Integrations</h1>
      <p class="lead">Connect your stores, see which product images fail the marketplace’s rules, and publish images from your gallery straight to products.</p>
      {channels.isPending || connections.isPending ? (
        <p class="loading">Loading connections…</p>
      ) : channels.error ? (
        <ErrorMessage error={channels.error} />
      ) : (
        <>
          <Connections channels={channels.data.data} connections={list} error={connections.error} />
          {list.length > 0 && <Catalogue connections={list} channels={channels.data.data} />}
          <Activity connections={list} />
        </>
      )}
    </>
  );
}
