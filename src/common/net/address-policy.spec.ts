import { describe, expect, it } from 'vitest';
import { isPublicAddress } from './address-policy';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1', '127.1.2.3', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '255.255.255.255', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1', '::ffff:127.0.0.1',
    '::ffff:10.0.0.1', '::ffff:169.254.169.254', '2002:7f00:1::1', '64:ff9b::7f00:1', 'ff02::1', 'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    // IPv4-compatible (::/96), in hex and dotted, whatever IPv4 address it carries: it is not routed as IPv4.
    '::7f00:1', '::127.0.0.1', '::a00:1', '::a9fe:a9fe', '::8.8.8.8', '::808:808',
    // Other forms that embed IPv4: IPv4-translated, local-use NAT64, ISATAP interface ids under a public prefix.
    '::ffff:0:7f00:1', '64:ff9b:1::a00:1', '2607:f8b0::5efe:7f00:1', '2607:f8b0::200:5efe:a00:1',
    // Outside 2000::/3, or reserved inside it; a zone id; IPv4 shorthand a resolver never returns.
    '100::1', '4000::1', '2001:db8::1', 'fe80::1%eth0', '127.1',
  ])('refuses %s, an address that embeds IPv4 or is not global unicast', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});
