import { clientAddress, limitKey } from './client-address';

describe('clientAddress', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('10.0.0.7', '203.0.113.9', 0)).toBe('10.0.0.7');
    expect(clientAddress('10.0.0.7', undefined, 0)).toBe('10.0.0.7');
    expect(clientAddress(undefined, '203.0.113.9', 0)).toBe('unknown');
  });

  it('behind one proxy: the entry that proxy appended, not what the client wrote before it', () => {
    // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy (10.0.0.7) appended the client's real address.
    expect(clientAddress('10.0.0.7', '1.2.3.4, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.7', '203.0.113.9', 1)).toBe('203.0.113.9');
  });

  it('behind two proxies: two entries from the right', () => {
    expect(clientAddress('10.0.0.7', 'spoofed, 203.0.113.9, 10.0.0.8', 2)).toBe('203.0.113.9');
  });

  it('takes several header lines as one list, and the leftmost entry when there are fewer entries than hops', () => {
    expect(clientAddress('10.0.0.7', ['spoofed', '203.0.113.9'], 1)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.7', '203.0.113.9', 3)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.7', undefined, 1)).toBe('10.0.0.7');
    expect(clientAddress('10.0.0.7', ' , ', 1)).toBe('10.0.0.7');
  });

  it('keeps the key short', () => {
    expect(clientAddress('10.0.0.7', 'x'.repeat(500), 1)).toHaveLength(100);
  });

  it('counts a dual-stack IPv4 peer as its IPv4 address, and an IPv6 client by its /64', () => {
    expect(clientAddress('::ffff:127.0.0.2', undefined, 0)).toBe('127.0.0.2');
    expect(clientAddress('2001:db8:1:2:aaaa::1', undefined, 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('10.0.0.7', '2001:0db8:0001:0002:ffff:1:2:3', 1)).toBe('2001:db8:1:2::/64');
  });
});

describe('limitKey', () => {
  it.each([
    ['::1', '0:0:0:0::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['fe80::1:2:3:4', 'fe80:0:0:0::/64'],
    ['2001:db8:a:b:c:d:e:f', '2001:db8:a:b::/64'],
    ['::FFFF:192.0.2.1', '192.0.2.1'],
    ['192.0.2.1', '192.0.2.1'],
    ['unknown', 'unknown'],
  ])('%s -> %s', (address, key) => {
    expect(limitKey(address)).toBe(key);
  });
});
