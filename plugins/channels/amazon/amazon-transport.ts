import { Agent } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { Duplex } from 'node:stream';

/** Where amazon-sp-api sends LWA token requests; SP-API hosts are sellingpartnerapi-<region>.amazon.com. */
export const LWA_HOST = 'api.amazon.com';

/**
 * amazon-sp-api sends every request with `https.request` to hosts it writes itself, and takes no
 * fetch or base URL: its only transport hook is the `https_proxy_agent` option. So this agent is
 * how the plugin reaches another SP-API or LWA (the operator's AMAZON_SP_API_BASE_URL and
 * AMAZON_LWA_BASE_URL, the tests' fake on plain http) and how a call stops when its signal aborts:
 * the socket is destroyed with the signal's reason. The calls cannot go through the core's
 * `ctx.http`; nothing they reach is customer input (Amazon's hosts or the operator's), and Amazon
 * fetches the images itself.
 */
export class AmazonAgent extends Agent {
  constructor(private readonly routes: { spApi?: URL; lwa?: URL }, private readonly signal: AbortSignal) {
    super({ keepAlive: false });
  }

  override createConnection(options: ConnectionOptions, callback?: (err: Error | null, socket: Duplex) => void): Duplex {
    const target = options.host === LWA_HOST ? this.routes.lwa : this.routes.spApi;
    let socket: Socket;
    if (!target) socket = super.createConnection(options, callback) as Socket;
    else if (target.protocol === 'http:') socket = netConnect({ host: target.hostname, port: Number(target.port || 80) });
    else socket = tlsConnect({ ...options, host: target.hostname, port: Number(target.port || 443), servername: target.hostname });
    const abort = () => socket.destroy(this.signal.reason instanceof Error ? this.signal.reason : new Error('aborted'));
    if (this.signal.aborted) process.nextTick(abort);
    else {
      this.signal.addEventListener('abort', abort, { once: true });
      socket.once('close', () => this.signal.removeEventListener('abort', abort));
    }
    return socket;
  }
}
