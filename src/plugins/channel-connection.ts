import type { PluginHttp, PluginLogger } from './plugin-call';

/**
 * A store an organisation connected: every channel call takes one instead of loose credentials, so a
 * plugin can store refreshed tokens and keep short-lived ones between calls.
 */
export interface ChannelConnection<C extends object = object> {
  readonly id: string;
  readonly orgId: string;
  /**
   * The connection's credentials, shaped by the plugin's `credentials` DTO and decrypted for this
   * call only: never log them or put them in an error message. Reads the latest after
   * `updateCredentials`.
   */
  readonly credentials: Readonly<C>;
  /**
   * Stores new credentials (a rotated refresh token, a re-issued key) sealed in place of the old
   * ones. Await it before the call returns: a rotated refresh token that is not stored leaves the
   * connection unable to sign in again.
   */
  updateCredentials(credentials: C): Promise<void>;
  /** Short-lived tokens of this connection (an hourly access token), kept in memory by the core. */
  readonly tokens: ConnectionTokenCache;
}

export interface FetchedToken {
  token: string;
  expiresInSeconds: number;
}

/** Tokens of one connection, by a key of the plugin's choosing (`access`, or one per scope or region). */
export interface ConnectionTokenCache {
  /**
   * The token under `key`, or a new one from `fetch` when there is none or it is about to expire.
   * Calls that race share one fetch, so a busy connection refreshes its token once.
   */
  get(key: string, fetch: () => Promise<FetchedToken>): Promise<string>;
  /**
   * Forgets the token under `key` after the store refused it (a 401), so the next `get` fetches a
   * new one. With `token`, only if that is still the one held: a newer token fetched meanwhile stays.
   */
  drop(key: string, token?: string): void;
}

/** What the core hands a channel plugin with each call. */
export interface ChannelCallContext {
  /** The core's outbound client: store URLs are customer input, so it refuses private addresses. */
  http: PluginHttp;
  /** Aborts when the operation is cancelled or times out; `http.fetch` already listens to it. */
  signal: AbortSignal;
  logger: PluginLogger;
}

/**
 * The token cache the core keeps for each connection (in each process), and the one tests use. A
 * token is renewed a minute early, or at 90% of a shorter life, so it does not expire in flight.
 */
export class MemoryTokenCache implements ConnectionTokenCache {
  private readonly held = new Map<string, { token: string; renewAt: number }>();
  private readonly fetching = new Map<string, Promise<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string, fetch: () => Promise<FetchedToken>): Promise<string> {
    const held = this.held.get(key);
    if (held && held.renewAt > this.now()) return held.token;
    const inFlight = this.fetching.get(key);
    if (inFlight) return inFlight;
    const fetched = fetch()
      .then(({ token, expiresInSeconds }) => {
        const margin = Math.min(60, expiresInSeconds / 10);
        this.held.set(key, { token, renewAt: this.now() + (expiresInSeconds - margin) * 1000 });
        return token;
      })
      .finally(() => this.fetching.delete(key));
    this.fetching.set(key, fetched);
    return fetched;
  }

  drop(key: string, token?: string): void {
    if (token === undefined || this.held.get(key)?.token === token) this.held.delete(key);
  }
}
