import ipaddr from 'ipaddr.js';
import { boundedLru } from '../lru/bounded-lru';

/**
 * The IPv6 prefix a per-address limit counts a client by: a /64, the smallest network an end
 * site is given (RFC 6177, RFC 7421). A host picks any address in its /64 at will (SLAAC privacy
 * addresses, or simply by configuring them), so counting each address on its own would let one
 * client rotate past every per-address limit and fill the limiter with windows. A shorter prefix
 * (a /56, say) would also count separate customers of a provider that gives each a /64 as one.
 */
const IPV6_CLIENT_PREFIX = 64;

/** The bits of an IPv6 address kept by IPV6_CLIENT_PREFIX, in the address's 16-bit parts. */
const KEPT_PARTS = IPV6_CLIENT_PREFIX / 16;

/**
 * The networks of recent IPv6 callers: parsing an address took about 4 µs, a twentieth of a
 * cached read's CPU, paid on every repeat without this.
 */
const recentNetworks = boundedLru<string, string>(10_000);

/**
 * Who a per-address limit counts for a request from `ip` (Fastify's `request.ip`, which honours
 * TRUST_PROXY), as the limits' trackers name it: an IPv4 client by its address; an IPv6 client by
 * its network, `ip:<prefix>/64`; an IPv4-mapped IPv6 address (a dual-stack listener's IPv4
 * client) by its IPv4 address, never by the one /64 every such address shares. Anything that does
 * not parse is counted as it is.
 */
export function addressTracker(ip: string): string {
  // Most callers are IPv4: counted as they are, without parsing, on the hot path too.
  if (!ip.includes(':')) return `ip:${ip}`;
  let network = recentNetworks.get(ip);
  if (network === undefined) recentNetworks.set(ip, (network = ipv6Network(ip)));
  return `ip:${network}`;
}

function ipv6Network(ip: string): string {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // One parse: ipaddr's isValid would parse the address before process parsed it again.
    address = ipaddr.process(ip);
  } catch {
    return ip;
  }
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.map((part, i) => (i < KEPT_PARTS ? part : 0));
  return `${new ipaddr.IPv6(parts).toString()}/${IPV6_CLIENT_PREFIX}`;
}
