import ipaddr from 'ipaddr.js';
import type { AppConfig } from './app-config';

/** The base of every link when PUBLIC_URL is unset: this machine, on the port the server listens on. */
export const localPublicUrl = (port: number): string => `http://localhost:${port}`;

/** Whether HOST only accepts connections from this machine (localhost, 127.0.0.0/8, ::1). */
export function isLoopbackHost(host: string): boolean {
  if (host.trim().toLowerCase() === 'localhost') return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback';
}

/**
 * Once the server listens: links follow the port it actually got (PORT=0 picks a free one) unless
 * PUBLIC_URL was set. Returns a warning when the server listens beyond loopback (HOST=0.0.0.0, the
 * default) with links that only work on this machine.
 */
export function settlePublicUrl(config: AppConfig, listeningPort: number): string | null {
  if (!config.publicUrlFollowsPort) return null;
  config.publicUrl = localPublicUrl(listeningPort);
  if (isLoopbackHost(config.host)) return null;
  return `PUBLIC_URL is not set, so every link the server hands out (mail, job outputs, webhooks) starts with ${config.publicUrl}, which works only on this machine, while it listens on ${config.host}: set PUBLIC_URL to the address clients reach`;
}
