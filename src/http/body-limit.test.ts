import { Agent, createServer, request, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, createTestApp, listen } from '../../test/helpers.ts';

/** One request on `agent`; resolves with the status, headers and body, whatever the server does with the connection. */
function send(agent: Agent, port: number, path: string, method: string, body?: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string; socket: unknown }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, agent, headers: body ? { ...headers, 'Content-Length': String(body.length) } : headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), socket: req.socket }));
        res.on('error', reject);
      },
    );
    // The server may answer (and close) before the whole body is sent: that is fine here.
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

describe('a request body over the limit', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let server: Server;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    server = createServer(getRequestListener(t.app.fetch));
    port = await listen(server);
  });
  afterAll(async () => {
    await close(server);
    await t.close();
  });

  it('gets 413 with Connection: close, so the keep-alive client’s next request works', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // About 3.4 MB of form data, as a browser posts it.
      const form = Buffer.from(`q=${'x'.repeat(3_400_000)}`);
      const big = await send(agent, port, '/zoeken', 'POST', form, { 'Content-Type': 'application/x-www-form-urlencoded' });
      expect(big.status).toBe(413);
      expect(big.headers.connection).toBe('close');
      const next = await send(agent, port, '/healthz', 'GET');
      expect(next.status).toBe(200);
      expect(next.body).toContain('ok');
    } finally {
      agent.destroy();
    }
  });

  it('gets 413 with Connection: close on the bundle import too', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = await send(agent, port, '/beheer/import', 'POST', Buffer.alloc(7_000_000, 'a'), { 'Content-Type': 'multipart/form-data; boundary=x' });
      expect(big.status).toBe(413);
      expect(big.headers.connection).toBe('close');
      expect((await send(agent, port, '/healthz', 'GET')).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });
});
