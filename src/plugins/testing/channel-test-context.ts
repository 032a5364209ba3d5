import { MemoryTokenCache, type ChannelCallContext, type ChannelConnection } from '../channel-connection';
import { providerTestContext } from './test-context';

/** A connection held in memory: `updates` lists what the plugin stored, oldest first. */
export class TestChannelConnection<C extends object> implements ChannelConnection<C> {
  readonly updates: C[] = [];
  readonly tokens = new MemoryTokenCache();
  private current: C;

  constructor(readonly initialCredentials: C, readonly id = 'conn_test', readonly orgId = 'org_test') {
    this.current = initialCredentials;
  }

  get credentials(): Readonly<C> {
    return this.current;
  }

  async updateCredentials(credentials: C): Promise<void> {
    this.current = credentials;
    this.updates.push(credentials);
  }
}

export function channelTestConnection<C extends object>(credentials: C, ids: { id?: string; orgId?: string } = {}): TestChannelConnection<C> {
  return new TestChannelConnection(credentials, ids.id, ids.orgId);
}

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

/**
 * A call context for a channel plugin's tests: Node's fetch bound to the signal (as providers get)
 * and a logger that keeps its lines in `logged`, so a test can look for leaked credentials.
 */
export function channelTestContext(signal?: AbortSignal): ChannelCallContext & { logged: LoggedLine[] } {
  const { http, signal: bound } = providerTestContext({ signal });
  const logged: LoggedLine[] = [];
  const line = (level: LoggedLine['level']) => (message: string, fields?: Record<string, unknown>) => void logged.push({ level, message, fields });
  return { http, signal: bound, logged, logger: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') } };
}
