import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp } from '../../test/helpers.ts';
import { loadConfig } from '../config.ts';
import type { AppEnv, Deps } from '../context.ts';
import { hmac } from '../crypto.ts';
import { appSettings, rateLimits } from '../db/schema.ts';
import { clientAddress, clientKeyOf } from './client-address.ts';

/** A socket as @hono/node-server hands it to the app (what getConnInfo reads). */
const from = (remoteAddress: string) => ({
  incoming: { socket: { remoteAddress, remotePort: 40000, remoteFamily: remoteAddress.includes(':') ? 'IPv6' : 'IPv4' } },
});

function addressApp(trustProxy: string) {
  const config = loadConfig({ TRUST_PROXY: trustProxy });
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set('deps', { config } as Deps);
    await next();
  });
  app.get('/', (c) => c.text(clientAddress(c)));
  return app;
}

describe('the client address behind proxies (TRUST_PROXY)', () => {
  const ask = async (trustProxy: string, forwarded?: string) =>
    (await addressApp(trustProxy).request('/', { headers: forwarded ? { 'X-Forwarded-For': forwarded } : {} }, from('10.0.0.2'))).text();

  it('takes the entry the configured number of proxies added, counted from the right, never one the client wrote', async () => {
    // The client sends "X-Forwarded-For: 6.6.6.6"; our one proxy appends the address it saw.
    expect(await ask('1', '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7');
    expect(await ask('true', '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7');
    // Two proxies: a CDN appends the client, our load balancer appends the CDN.
    expect(await ask('2', '6.6.6.6, 198.51.100.7, 203.0.113.80')).toBe('198.51.100.7');
    // Fewer entries than proxies: the header is not ours to trust, the socket's address is used.
    expect(await ask('2', '198.51.100.7')).toBe('10.0.0.2');
    expect(await ask('false', '6.6.6.6')).toBe('10.0.0.2');
    expect(await ask('0', '6.6.6.6')).toBe('10.0.0.2');
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as IPv4', () => {
    expect(clientKeyOf('2001:db8:1:2:aaaa::1')).toBe(clientKeyOf('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(clientKeyOf('2001:db8:1:2::1')).not.toBe(clientKeyOf('2001:db8:1:3::1'));
    expect(clientKeyOf('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKeyOf('192.0.2.1')).not.toBe(clientKeyOf('192.0.2.2'));
  });
});

describe.each(backends())('the API try-out on /api/docs on %s', (kind) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  it("counts the try-out under the caller's own rate-limit key, not one shared by every visitor", async () => {
    const res = await t.app.request('/api/docs?pad=/v1/themes', {}, from('198.51.100.23'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Antwoord op GET /api/v1/themes: status 200');
    const db = t.deps.database.db;
    const [setting] = await db.select().from(appSettings).where(eq(appSettings.key, 'secret'));
    const secret = Buffer.from(setting?.value ?? '', 'base64url');
    const stored = new Map((await db.select().from(rateLimits)).map((r) => [r.key, r.count]));
    expect(stored.get(`h:${hmac(secret, 'api:onbekend')}`)).toBeUndefined();
    expect(stored.get(`h:${hmac(secret, `api:${clientKeyOf('198.51.100.23')}`)}`)).toBeGreaterThanOrEqual(1);
  });
});
