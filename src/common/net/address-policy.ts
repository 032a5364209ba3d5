import ipaddr from 'ipaddr.js';

/**
 * Whether an IP address is one the platform may call on a customer's behalf: only public unicast.
 * Loopback, private, link-local (cloud metadata lives at 169.254.169.254), carrier-grade NAT,
 * unique-local, multicast and reserved ranges are refused; IPv4-mapped IPv6 (::ffff:127.0.0.1) is
 * judged as the IPv4 address it carries, and IPv6 transition ranges that embed IPv4 (6to4, Teredo,
 * NAT64) are refused since they could carry a private one.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === 'unicast';
}
