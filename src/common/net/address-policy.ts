import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** IANA's global unicast space; every other IPv6 block is reserved, local, or embeds an IPv4 address. */
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
const ISATAP_MARKER = 0x5efe;

/**
 * Whether an IP address is one the platform may call on a customer's behalf: only public unicast.
 * Loopback, private, link-local (cloud metadata lives at 169.254.169.254), carrier-grade NAT,
 * unique-local, multicast and reserved ranges are refused. IPv4-mapped IPv6 (::ffff:127.0.0.1) is
 * judged as the IPv4 address it carries. IPv6 outside 2000::/3 is refused, which takes the forms
 * that embed IPv4 there with it (IPv4-compatible ::127.0.0.1, NAT64 64:ff9b::/96); inside it, the
 * transition forms that embed IPv4 (6to4, Teredo, ISATAP interface ids) are refused too, since they
 * could carry a private one.
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return ipaddr.IPv4.parse(address).range() === 'unicast';
  if (family !== 6) return false;
  const v6 = parseIPv6(address);
  if (!v6) return false;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() === 'unicast';
  return v6.match(GLOBAL_UNICAST) && v6.range() === 'unicast' && !isIsatap(v6);
}

/**
 * ipaddr.js reads the dotted IPv4-compatible form (::127.0.0.1) as IPv4-mapped, so the address is
 * first written in hex by the WHATWG URL serializer, which keeps its bytes. A zone id does not parse.
 */
function parseIPv6(address: string): ipaddr.IPv6 | null {
  try {
    return ipaddr.IPv6.parse(new URL(`http://[${address}]`).hostname.slice(1, -1));
  } catch {
    return null;
  }
}

/** An ISATAP interface id (RFC 5214: 0000:5efe or 0200:5efe, then the IPv4 address) tunnels to IPv4. */
const isIsatap = (v6: ipaddr.IPv6): boolean => (v6.parts[4] & 0xfcff) === 0 && v6.parts[5] === ISATAP_MARKER;
