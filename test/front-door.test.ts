import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestListener } from '../src/http/fast-path.ts';
import { attachFrontDoor, MAX_HEAD, parseSimpleRequest } from '../src/http/front-door.ts';
import { type Backend, backends, close, createTestApp, listen } from './helpers.ts';

const head = (lines: string[]) => lines.join('\r\n');
const plain = ['GET /themas/hechting HTTP/1.1', 'Host: 127.0.0.1:3000', 'Accept-Encoding: br'];

describe('parseSimpleRequest (what the front door reads itself)', () => {
  it('reads a plain GET or HEAD: target as sent, the one Host, Accept-Encoding and If-None-Match joined, Connection', () => {
    expect(parseSimpleRequest(head(plain))).toEqual({
      method: 'GET',
      url: '/themas/hechting',
      host: '127.0.0.1:3000',
      accept: 'br',
      ifNoneMatch: undefined,
      close: false,
    });
    expect(
      parseSimpleRequest(
        head([
          'HEAD /zoeken?q=hechting%20kind&p=2 HTTP/1.1',
          'host:   voorbeeld.nl  ',
          'accept-encoding: gzip',
          'ACCEPT-ENCODING: br',
          'If-None-Match: "a"',
          'if-none-match: "b"',
          'Connection: Close',
          'User-Agent: Mozilla/5.0 (X11; Linux x86_64)',
        ]),
      ),
    ).toEqual({ method: 'HEAD', url: '/zoeken?q=hechting%20kind&p=2', host: 'voorbeeld.nl', accept: 'gzip, br', ifNoneMatch: '"a", "b"', close: true });
    expect(parseSimpleRequest(head(['GET / HTTP/1.1', 'Host: x', 'Connection: keep-alive']))?.close).toBe(false);
  });

  it.each([
    ['POST', ['POST /themas/hechting HTTP/1.1', 'Host: x']],
    ['OPTIONS', ['OPTIONS * HTTP/1.1', 'Host: x']],
    ['lower-case method', ['get /themas/hechting HTTP/1.1', 'Host: x']],
    ['HTTP/1.0', ['GET /themas/hechting HTTP/1.0', 'Host: x']],
    ['HTTP/2 text', ['GET /themas/hechting HTTP/2.0', 'Host: x']],
    ['absolute-form target', ['GET http://x/themas/hechting HTTP/1.1', 'Host: x']],
    ['a space in the target', ['GET /themas/hech ting HTTP/1.1', 'Host: x']],
    ['two spaces', ['GET  /themas/hechting HTTP/1.1', 'Host: x']],
    ['a quote in the target', ['GET /themas/"hechting" HTTP/1.1', 'Host: x']],
    ['< in the target', ['GET /zoeken?q=<script> HTTP/1.1', 'Host: x']],
    ['a backslash in the target', ['GET /..\\..\\etc HTTP/1.1', 'Host: x']],
    ['non-ASCII in the target', ['GET /themas/hèchting HTTP/1.1', 'Host: x']],
    ['no Host', ['GET / HTTP/1.1', 'Accept: */*']],
    ['an empty Host', ['GET / HTTP/1.1', 'Host: ']],
    ['two Hosts', ['GET / HTTP/1.1', 'Host: x', 'Host: y']],
    ['Content-Length', ['GET / HTTP/1.1', 'Host: x', 'Content-Length: 0']],
    ['Transfer-Encoding', ['GET / HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked']],
    ['transfer-encoding in capitals', ['GET / HTTP/1.1', 'Host: x', 'TRANSFER-ENCODING: chunked']],
    ['a space before the colon', ['GET / HTTP/1.1', 'Host: x', 'Content-Length : 5']],
    ['a tab before the colon', ['GET / HTTP/1.1', 'Host: x', 'Transfer-Encoding\t: chunked']],
    ['obs-fold', ['GET / HTTP/1.1', 'Host: x', 'Accept: a', ' Transfer-Encoding: chunked']],
    ['a line without a colon', ['GET / HTTP/1.1', 'Host: x', 'zomaar']],
    ['an empty header name', ['GET / HTTP/1.1', 'Host: x', ': leeg']],
    ['Cookie', ['GET / HTTP/1.1', 'Host: x', 'Cookie: hw_session=abc']],
    ['Authorization', ['GET / HTTP/1.1', 'Host: x', 'Authorization: Basic eDp5']],
    ['Upgrade', ['GET / HTTP/1.1', 'Host: x', 'Upgrade: websocket', 'Connection: Upgrade']],
    ['Connection: Upgrade', ['GET / HTTP/1.1', 'Host: x', 'Connection: Upgrade']],
    ['Connection with a list', ['GET / HTTP/1.1', 'Host: x', 'Connection: keep-alive, TE']],
    ['Expect', ['GET / HTTP/1.1', 'Host: x', 'Expect: 100-continue']],
    ['Proxy-Connection', ['GET / HTTP/1.1', 'Host: x', 'Proxy-Connection: close']],
    ['HTTP2-Settings', ['GET / HTTP/1.1', 'Host: x', 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA']],
    ['a control character in a value', ['GET / HTTP/1.1', 'Host: x', 'Accept: a\u0000b']],
    ['DEL in a value', ['GET / HTTP/1.1', 'Host: x', 'Accept: a\u007fb']],
    ['obs-text in a value', ['GET / HTTP/1.1', 'Host: x', 'Accept: caf\u00e9']],
    ['a lone LF', ['GET / HTTP/1.1', 'Host: x\nTransfer-Encoding: chunked']],
    ['a lone CR', ['GET / HTTP/1.1', 'Host: x\rTransfer-Encoding: chunked']],
    ['a lone LF after the request line', ['GET / HTTP/1.1\nHost: x']],
  ])('refuses %s (Node reads it instead)', (_label, lines) => {
    expect(parseSimpleRequest(head(lines))).toBeUndefined();
  });

  it('refuses a head over Node’s limit and more than 64 header lines', () => {
    const long = [...plain, `X-Opvulling: ${'a'.repeat(MAX_HEAD)}`];
    expect(parseSimpleRequest(head(long))).toBeUndefined();
    const many = [...plain, ...Array.from({ length: 64 }, (_, i) => `X-${i}: a`)];
    expect(parseSimpleRequest(head(many))).toBeUndefined();
    expect(parseSimpleRequest(head(many.slice(0, -2)))).toBeDefined();
  });
});

/**
 * Node's own reading of bytes: a node:http server that answers every request with what it saw.
 * The front door may only accept what Node reads as the same single, bodiless request.
 */
describe('the front door agrees with Node’s HTTP parser', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = 0;
      req.on('data', (c: Buffer) => {
        body += c.length;
      });
      // In a header: a HEAD answer has no body.
      req.on('end', () => res.setHeader('x-seen', JSON.stringify({ method: req.method, url: req.url, host: req.headers.host, body })).end());
    });
    port = await listen(server);
  });
  afterAll(() => close(server));

  /**
   * The head, then (unless it asks to close the connection, after which Node reads nothing more)
   * a marker request, on one connection: what Node answered, one JSON per request.
   */
  function nodeReads(bytes: string, marker: boolean): Promise<string[]> {
    return new Promise((resolve) => {
      const next = marker ? 'GET /merkteken HTTP/1.1\r\nHost: m\r\nConnection: close\r\n\r\n' : '';
      const socket = connect(port, '127.0.0.1', () => socket.end(`${bytes}\r\n\r\n${next}`, 'latin1'));
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', () => {});
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('latin1');
        resolve(
          text
            .split('HTTP/1.1 ')
            .slice(1)
            .map((r) => {
              if (!r.startsWith('200')) return `status ${r.slice(0, 3)}`;
              const seen = JSON.parse(/\r\nx-seen: (.*)\r\n/i.exec(r)?.[1] ?? '{}');
              // Whether Node keeps the connection open is in its answer's Connection header.
              return JSON.stringify({ ...seen, close: /\r\nConnection: close\r\n/i.test(r) });
            }),
        );
      });
    });
  }

  // Pieces that make requests plain, odd and hostile (smuggling attempts among them); mostly plain,
  // so that many heads are ones the front door accepts and the comparison means something.
  const mostly = (plain: string[], odd: string[]) =>
    fc.oneof({ arbitrary: fc.constantFrom(...plain), weight: 6 }, { arbitrary: fc.constantFrom(...odd), weight: 1 });
  const method = mostly(['GET', 'HEAD'], ['POST', 'get', 'GET ', 'PRI']);
  const target = mostly(
    ['/', '/themas/hechting', '/zoeken?q=kind%20zorg&p=2', "/a-b_c.d~e!$&'()*+,;=:@"],
    ['/a b', '/<x>', 'http://x/', '*', '/%00', '/é', '/a\tb'],
  );
  const version = mostly(['HTTP/1.1'], ['HTTP/1.0', 'HTTP/1.1 ', 'http/1.1', 'HTTP/1.10']);
  const name = mostly(
    ['Host', 'host', 'Accept-Encoding', 'If-None-Match', 'Connection', 'User-Agent', 'X-A'],
    ['Content-Length', 'Transfer-Encoding', 'Cookie', 'Host ', ' Host', 'Content-Length ', 'X\tB', 'X@Y', 'Proxy-Connection', 'Keep-Alive', 'Upgrade'],
  );
  const value = mostly(
    ['x', 'y.example:8080', 'br', 'gzip, br', '"abc"', 'close', 'keep-alive', 'Mozilla/5.0 (X11)'],
    ['0', '5', 'chunked', 'upgrade', '', ' a ', 'a\u0000', 'é', 'a\u007f', 'Close', 'keep-alive, close', 'close, TE'],
  );
  const sep = mostly(['\r\n'], ['\n', '\r', '\r\n ', '\r\n\t']);
  const colon = mostly([':', ': '], [' : ', '::']);
  const request = fc
    .tuple(method, target, version, fc.boolean(), fc.array(fc.tuple(name, colon, value, sep), { maxLength: 5 }))
    .map(([m, t, v, withHost, hs]) =>
      `${m} ${t} ${v}\r\n${withHost ? 'Host: h.example\r\n' : ''}${hs.map(([n, c, val, s]) => `${n}${c}${val}${s}`).join('')}`.replace(/(\r\n|\n|\r)$/, ''),
    );

  it('never accepts a head that Node reads differently (method, target, Host, request boundary, body)', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(request, async (text) => {
        const mine = parseSimpleRequest(text);
        if (!mine) return;
        accepted++;
        const answers = await nodeReads(text, !mine.close);
        // Exactly this request, then the marker: Node saw the same boundary.
        expect(answers, text).toHaveLength(mine.close ? 1 : 2);
        expect(JSON.parse(answers[0] as string), text).toEqual({ method: mine.method, url: mine.url, host: mine.host, body: 0, close: mine.close });
        if (!mine.close) expect(JSON.parse(answers[1] as string).url).toBe('/merkteken');
      }),
      { numRuns: 400 },
    );
    // Enough of the generated heads are plain for the comparison to mean something.
    expect(accepted).toBeGreaterThan(20);
  });
});

/** Reads HTTP/1.1 responses off a byte stream (Content-Length framing; a 304 or a HEAD answer has no body). */
function responses(all: Buffer, bodiless: boolean[] = []): { status: number; headers: Record<string, string>; body: Buffer }[] {
  const out: { status: number; headers: Record<string, string>; body: Buffer }[] = [];
  let at = 0;
  while (at < all.length) {
    const end = all.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const [statusLine, ...lines] = all.subarray(at, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
    const status = Number(statusLine?.split(' ')[1]);
    const length = bodiless[out.length] || status === 304 ? 0 : Number(headers['content-length'] ?? 0);
    out.push({ status, headers, body: all.subarray(end + 4, end + 4 + length) });
    at = end + 4 + length;
  }
  return out;
}

describe.each(backends())('the front door on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let fast: ReturnType<typeof createRequestListener>;
  let server: Server;
  let port: number;
  let page: Buffer;

  /** Opens a connection, writes each part (a pause between them), and collects all that comes back until the server closes or `ms` pass. */
  function exchange(parts: string[], ms = 1500, gapMs = 30): Promise<{ bytes: Buffer; closedByServer: boolean }> {
    return new Promise((resolve, reject) => {
      const socket: Socket = connect(port, '127.0.0.1', async () => {
        for (const [i, p] of parts.entries()) {
          if (i > 0) await new Promise((r) => setTimeout(r, gapMs));
          socket.write(p, 'latin1');
        }
      });
      const chunks: Buffer[] = [];
      let closedByServer = false;
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ bytes: Buffer.concat(chunks), closedByServer });
      }, ms);
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => {
        closedByServer = true;
        clearTimeout(timer);
        socket.destroy();
        resolve({ bytes: Buffer.concat(chunks), closedByServer });
      });
      socket.on('error', reject);
    });
  }

  const get = (path: string, extra: string[] = []) => `${head([`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Accept-Encoding: br', ...extra])}\r\n\r\n`;

  /** Makes the fast path know the page (Node's HTTP server and Hono answer these) and this instance's view of the version fresh. */
  async function learn(path: string) {
    await exchange([get(path, ['Connection: close'])]);
    await t.deps.contentVersion.current();
  }

  beforeAll(async () => {
    t = await createTestApp(kind);
    fast = createRequestListener(t.app, t.deps);
    server = createServer(fast.listener);
    fast.attach(server);
    server.keepAliveTimeout = 65_000;
    port = await listen(server);
    await learn('/themas/hechting');
    const [first] = responses((await exchange([get('/themas/hechting', ['Connection: close'])])).bytes);
    page = first?.body as Buffer;
    expect(page.length).toBeGreaterThan(1000);
  });
  afterAll(async () => {
    await close(server);
    await t.close();
  });

  it('answers pipelined requests in order, handing the connection to Node at the first it does not answer itself', async () => {
    await learn('/themas/kansrijke-start');
    const [other] = responses((await exchange([get('/themas/kansrijke-start', ['Connection: close'])])).bytes);
    const before = { ...fast.stats };
    const { bytes } = await exchange(
      [
        get('/themas/hechting') +
          get('/themas/kansrijke-start') +
          get('/themas/hechting', ['Cookie: iets=anders']) +
          get('/bestaat-niet') +
          get('/themas/kansrijke-start', ['Connection: close']),
      ],
      3000,
    );
    const got = responses(bytes);
    expect(got.map((r) => r.status)).toEqual([200, 200, 200, 404, 200]);
    expect(got[0]?.body.equals(page)).toBe(true);
    expect(got[1]?.body.equals(other?.body as Buffer)).toBe(true);
    expect(got[2]?.body.equals(page)).toBe(true);
    expect(got[4]?.body.equals(other?.body as Buffer)).toBe(true);
    expect(got[4]?.headers.connection).toBe('close');
    // Two at the front door; the fifth through Node's HTTP server (the connection stays with it), from memory.
    expect(fast.stats.frontDoor - before.frontDoor).toBe(2);
    expect(fast.stats.hits - before.hits).toBe(3);
    const ids = got.map((r) => r.headers['x-request-id']);
    expect(new Set(ids).size).toBe(5);
  });

  it('keeps a connection at the front door across requests, sends keep-alive as Node does, and closes after Connection: close', async () => {
    const before = fast.stats.frontDoor;
    const { bytes, closedByServer } = await exchange([
      get('/themas/hechting'),
      get('/themas/hechting'),
      get('/themas/hechting', ['Connection: close']),
      get('/themas/hechting'),
    ]);
    const got = responses(bytes);
    expect(got).toHaveLength(3);
    expect(closedByServer).toBe(true);
    expect(fast.stats.frontDoor - before).toBe(3);
    for (const r of got) expect(r.body.equals(page)).toBe(true);
    expect(got[0]?.headers.connection).toBe('keep-alive');
    expect(got[0]?.headers['keep-alive']).toBe('timeout=65');
    expect(got[0]?.headers.date).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(got[2]?.headers.connection).toBe('close');
    expect(got[2]?.headers['keep-alive']).toBeUndefined();
  });

  it('answers HEAD and If-None-Match without a body', async () => {
    const etag = responses((await exchange([get('/themas/hechting', ['Connection: close'])])).bytes)[0]?.headers.etag as string;
    // The 304 is learnt from Hono once (through Node's HTTP server).
    await exchange([get('/themas/hechting', [`If-None-Match: ${etag}`, 'Connection: close'])]);
    await t.deps.contentVersion.current();
    const before = fast.stats.frontDoor;
    const headReq = `${head(['HEAD /themas/hechting HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Accept-Encoding: br'])}\r\n\r\n`;
    const { bytes } = await exchange([headReq + get('/themas/hechting', [`If-None-Match: ${etag}`]) + get('/themas/hechting', ['Connection: close'])]);
    const got = responses(bytes, [true]);
    expect(got.map((r) => r.status)).toEqual([200, 304, 200]);
    expect(got[0]?.headers['content-length']).toBe(String(page.length));
    expect(got[0]?.body.length).toBe(0);
    expect(got[1]?.headers.etag).toBe(etag);
    expect(got[2]?.body.equals(page)).toBe(true);
    expect(fast.stats.frontDoor - before).toBe(3);
  });

  it('answers a request that arrives in two pieces itself, and hands one in three or more to Node (its header timeout applies)', async () => {
    const request = get('/themas/hechting', ['Connection: close']);
    for (const [pieces, atFrontDoor] of [
      [[request.slice(0, 20), request.slice(20)], 1],
      [[request.slice(0, 20), request.slice(20, 40), request.slice(40)], 0],
      [[request.slice(0, 5), request.slice(5, 6), request.slice(6, 30), request.slice(30)], 0],
    ] as const) {
      const before = { ...fast.stats };
      const { bytes } = await exchange([...pieces], 2000);
      const [r] = responses(bytes);
      expect(r?.status).toBe(200);
      expect(r?.body.equals(page)).toBe(true);
      expect(fast.stats.frontDoor - before.frontDoor, `${pieces.length} pieces`).toBe(atFrontDoor);
      expect(fast.stats.hits).toBe(before.hits + 1);
    }
  });

  it('a body hidden behind Content-Length or chunked encoding is never answered as a request of its own', async () => {
    const inner = get('/themas/hechting');
    for (const framing of [`Content-Length: ${inner.length}`, 'Transfer-Encoding: chunked']) {
      const body = framing.startsWith('Content') ? inner : `${inner.length.toString(16)}\r\n${inner}\r\n0\r\n\r\n`;
      const before = fast.stats.frontDoor;
      const { bytes } = await exchange(
        [`${head(['GET /themas/hechting HTTP/1.1', `Host: 127.0.0.1:${port}`, framing, 'Connection: close'])}\r\n\r\n${body}`],
        2000,
      );
      expect(responses(bytes), framing).toHaveLength(1);
      expect(fast.stats.frontDoor, framing).toBe(before);
    }
  });

  it('a client that sends far ahead of what it reads gets every answer whole, each with its own id', async () => {
    // Enough to fill the socket's buffers on loopback (they grow to a few MB), so writes wait.
    const count = 3000;
    const before = fast.stats.frontDoor;
    const hitsBefore = fast.stats.hits;
    const result = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        // Nothing is read until everything is sent: the server's writes back up.
        socket.pause();
        socket.write(get('/themas/hechting').repeat(count - 1) + get('/themas/hechting', ['Connection: close']), 'latin1', () => {
          setTimeout(() => socket.resume(), 200);
        });
      });
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
    });
    const got = responses(result);
    expect(got).toHaveLength(count);
    for (const r of got) expect(r.body.equals(page)).toBe(true);
    expect(new Set(got.map((r) => r.headers['x-request-id'])).size).toBe(count);
    // All from memory and all at the front door (a request cut by a read's edge is completed by the next read).
    expect(fast.stats.hits - hitsBefore).toBe(count);
    expect(fast.stats.frontDoor - before).toBe(count);
  });

  it('keeps the connection when the view of the content version has gone stale: it waits for one re-read', async () => {
    const before = { ...fast.stats };
    const { bytes } = await exchange([get('/themas/hechting'), get('/themas/hechting', ['Connection: close'])], 3000, 1100);
    const got = responses(bytes);
    expect(got.map((r) => r.status)).toEqual([200, 200]);
    // The second came more than a second after the first: the version was read again, still at the front door.
    expect(fast.stats.frontDoor - before.frontDoor).toBe(2);
    expect(got[1]?.body.equals(page)).toBe(true);
  });

  it('close() ends idle connections at the front door at once (not when they time out)', async () => {
    const other = createServer(fast.listener);
    fast.attach(other);
    other.keepAliveTimeout = 65_000;
    const otherPort = await listen(other);
    const socket = connect(otherPort, '127.0.0.1');
    const ended = new Promise<void>((r) => socket.on('end', () => r()));
    const first = new Promise<void>((r) => socket.once('data', () => r()));
    socket.write(get('/themas/hechting').replace(`:${port}`, `:${otherPort}`));
    await first;
    const started = performance.now();
    const closed = new Promise<void>((r) => other.close(() => r()));
    await ended;
    await closed;
    expect(performance.now() - started).toBeLessThan(1000);
    socket.destroy();
  });

  it('a client that sends one request at a time and never reads is not answered into memory without end', async () => {
    const count = 4000;
    const before = fast.stats.hits;
    const frontDoorBefore = fast.stats.frontDoor;
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.pause();
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    // Each request its own packet (a pause between writes), none read: the server's writes back up.
    for (let i = 0; i < count; i++) {
      socket.write(get('/themas/hechting'));
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 500));
    const answeredUnread = fast.stats.hits - before;
    // What the kernel's buffers hold, and no more: the rest waits until the client reads.
    expect(answeredUnread).toBeLessThan(count);
    socket.resume();
    const deadline = Date.now() + 20_000;
    while (fast.stats.hits - before < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    socket.destroy();
    expect(fast.stats.hits - before).toBe(count);
    // All of them at the front door: a request cut by a read's edge is completed by the next read.
    expect(fast.stats.frontDoor - frontDoorBefore).toBe(count);
    const got = responses(Buffer.concat(chunks));
    expect(got).toHaveLength(count);
    expect(got.every((r) => r.body.equals(page))).toBe(true);
  });

  it('a client that has sent its last request (half-close) gets its answer and the connection ends at once', async () => {
    const started = performance.now();
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(get('/themas/hechting')));
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(responses(bytes)[0]?.body.equals(page)).toBe(true);
  });
});

describe('attachFrontDoor', () => {
  it('puts Node’s own connection handling back behind it, untouched, for what it does not answer', async () => {
    const server = createServer((req, res) => res.end(`node ${req.method} ${req.url}`));
    attachFrontDoor(server, (request, socket) => {
      if (request.url !== '/voordeur') return false;
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nvoordeur');
      return true;
    });
    const port = await listen(server);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/voordeur`);
      expect(await res.text()).toBe('voordeur');
      const viaNode = await fetch(`http://127.0.0.1:${port}/elders`, { method: 'POST', body: 'x' });
      expect(await viaNode.text()).toBe('node POST /elders');
    } finally {
      await close(server);
    }
  });
});
