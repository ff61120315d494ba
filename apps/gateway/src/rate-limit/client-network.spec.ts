import { addressTracker } from './client-network';

describe('addressTracker: who a per-address limit counts', () => {
  it('counts an IPv4 client by its address', () => {
    expect(addressTracker('203.0.113.7')).toBe('ip:203.0.113.7');
    expect(addressTracker('203.0.113.8')).not.toBe(addressTracker('203.0.113.7'));
  });

  it('counts every address of an IPv6 /64 as one client, however it is written', () => {
    const network = addressTracker('2001:db8:7:1::a');
    expect(network).toBe('ip:2001:db8:7:1::/64');
    for (const rotated of [
      '2001:db8:7:1:1234:5678:9abc:def0',
      '2001:0db8:0007:0001:0000:0000:0000:00ff',
      '2001:DB8:7:1::B',
      '2001:db8:7:1::1%eth0',
    ])
      expect(addressTracker(rotated)).toBe(network);
  });

  it('counts the next /64 apart', () => {
    expect(addressTracker('2001:db8:7:2::a')).toBe('ip:2001:db8:7:2::/64');
  });

  it('counts an IPv4 client of a dual-stack listener by its IPv4 address, not by a shared /64', () => {
    expect(addressTracker('::ffff:203.0.113.7')).toBe('ip:203.0.113.7');
    expect(addressTracker('::ffff:203.0.113.8')).toBe('ip:203.0.113.8');
  });

  it('counts what does not parse as it is', () => {
    expect(addressTracker('')).toBe('ip:');
    expect(addressTracker('not:an:address')).toBe('ip:not:an:address');
  });
});
