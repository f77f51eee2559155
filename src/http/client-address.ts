import { getConnInfo } from '@hono/node-server/conninfo';
import ipaddr from 'ipaddr.js';
import type { Ctx } from '../context.ts';

/**
 * The client's address. Behind TRUST_PROXY=n proxies, each appending the address it was reached
 * from to X-Forwarded-For, the n-th entry from the right is the one our own first proxy wrote; every
 * entry left of it is whatever the client sent, so it is never taken.
 */
export function clientAddress(c: Ctx): string {
  const hops = c.get('deps').config.TRUST_PROXY;
  if (hops > 0) {
    const entries = (c.req.header('X-Forwarded-For') ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    const forwarded = entries.length >= hops ? entries[entries.length - hops] : undefined;
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'onbekend';
  } catch {
    return 'onbekend';
  }
}

/**
 * The key a client is counted under by the rate limits: an IPv4 address (also when written as
 * IPv4-mapped IPv6), or the /64 network of an IPv6 address, since one subscriber gets a whole /64
 * and can use any address in it.
 */
export function clientKeyOf(address: string): string {
  const text = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(text)) return address;
  const ip = ipaddr.process(text);
  if (ip.kind() === 'ipv4') return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}

export const clientKey = (c: Ctx) => clientKeyOf(clientAddress(c));
