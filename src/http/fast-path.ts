import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import type { Deps } from '../context.ts';
import { attachFrontDoor, type SimpleRequest } from './front-door.ts';
import { logRequestLine, matches, pickEncoding, redactPath, requestLineMiddle, requestLineZeroTail } from './middleware.ts';
import { Doorkeeper, isPageCacheable } from './page-cache.ts';

/**
 * A fast path in front of Hono for anonymous GET and HEAD requests of public pages.
 *
 * It does not render anything itself: it remembers the exact responses Hono sent (status,
 * headers, compressed body) per URL, content version and variant, and sends them again straight
 * from memory. A variant is what the response depends on besides the URL: the encoding Hono
 * picks from Accept-Encoding, and whether If-None-Match names the page's ETag (then Hono's 304 is
 * remembered). Everything else falls through to Hono: other methods, requests with a cookie or a
 * body, paths the page cache skips, responses Hono would not cache, and every request while this
 * instance's content version is stale. Only X-Request-Id is new per request, and each hit gets
 * the same log line the request log middleware writes.
 *
 * While the database cannot be reached, remembered pages of the last content version read are
 * served for a while (ContentVersion.lastKnown): readers keep their page, writes get a 503.
 */

interface Entry {
  version: number;
  status: number;
  /** Name, value, name, value, …; the X-Request-Id value at `idIndex` is replaced per request. */
  headers: string[];
  idIndex: number;
  body: Buffer;
  etag: string;
  /** The path as Hono's request log writes it (no query string, secret segments redacted: see redactPath). */
  logPath: string;
  /** The request line's fixed middle part for a GET (see requestLineMiddle). */
  logMiddle: string;
  /** What follows the request id in a GET's request line that took 0 ms. */
  logZeroTail: string;
  /**
   * For the front door: the response head as Node writes it, before and after the request id,
   * up to where Node adds Date and Connection. Absent when Node would add more (no Content-Length).
   */
  rawHead?: [string, string];
  /** The front door's keep-alive response in one buffer (made at its first use; `body` is then a view into it). */
  packed?: Packed;
}

/**
 * A whole response (head, then body) that the front door sends with one write after writing this
 * request's id and the date into it. The buffer is reused once the write that used it is done;
 * a request that comes while it is still being written takes a spare (or a new copy, kept as a
 * spare when its write is done, up to SPARES): a client that does not read holds one buffer, not
 * the page's reuse.
 */
interface Packed {
  buf: Buffer;
  spares: Buffer[];
  headBytes: number;
  idAt: number;
  dateAt: number;
  keepAliveSeconds: number;
  busy: boolean;
  release: () => void;
}

const UUID_CHARS = 36;
const SPARES = 4;

export interface FastPathStats {
  hits: number;
  /** Of the hits, those the front door answered (the rest went through Node's HTTP server). */
  frontDoor: number;
  stored: number;
}

interface Options {
  /** Remembered responses (each URL has up to six variants); the oldest go first. */
  limit?: number;
  /** And at most this many bytes of bodies and headers in all. */
  maxBytes?: number;
  /** Off: every request goes to Hono (the equivalence test compares both). */
  enabled?: boolean;
}

const MAX_BODY = 1024 * 1024;

type Fetch = (request: Request, env: HttpBindings) => Response | Promise<Response>;

/**
 * What the fast path reads of a request, taken from `rawHeaders` in one pass: `req.headers` would
 * first build an object of every header, which costs more than the rest of a hit. As Node's
 * `req.headers` does, the first Host counts and repeated Accept-Encoding and If-None-Match
 * headers are joined with ", ". One object, reused: a request is read and answered synchronously.
 */
const seen = { eligible: false, host: '', accept: '', ifNoneMatch: undefined as string | undefined };

/** Reads the request into `seen`. Eligible: an anonymous, bodiless GET or HEAD, the only requests the fast path serves or learns from. */
function look(req: IncomingMessage): typeof seen {
  seen.eligible = req.method === 'GET' || req.method === 'HEAD';
  seen.host = '';
  seen.accept = '';
  seen.ifNoneMatch = undefined;
  if (!seen.eligible) return seen;
  let host: string | undefined;
  let accept: string | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    // Only names of these lengths can matter; most headers are passed over without lower-casing.
    switch (name.length) {
      case 4:
        if (host === undefined && name.toLowerCase() === 'host') host = value;
        break;
      case 6:
        if (name.toLowerCase() === 'cookie') seen.eligible = false;
        break;
      case 13: {
        const lower = name.toLowerCase();
        if (lower === 'authorization') seen.eligible = false;
        else if (lower === 'if-none-match') seen.ifNoneMatch = seen.ifNoneMatch === undefined ? value : `${seen.ifNoneMatch}, ${value}`;
        break;
      }
      case 14:
        if (name.toLowerCase() === 'content-length') seen.eligible = false;
        break;
      case 15:
        if (name.toLowerCase() === 'accept-encoding') accept = accept === undefined ? value : `${accept}, ${value}`;
        break;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') seen.eligible = false;
        break;
    }
    if (!seen.eligible) return seen;
  }
  seen.host = host ?? '';
  seen.accept = accept ?? '';
  return seen;
}

// Browsers send a handful of distinct Accept-Encoding values; negotiating each once saves the parsing.
const negotiated = new Map<string, string>();
function encodingOf(accept: string): string {
  let encoding = negotiated.get(accept);
  if (encoding === undefined) {
    encoding = pickEncoding(accept) ?? 'identity';
    if (negotiated.size >= 256) negotiated.clear();
    negotiated.set(accept, encoding);
  }
  return encoding;
}

/** A remembered response's key: host, URL (with its query string) and encoding. */
const keyOf = (host: string, url: string, accept: string) => `${host} ${url} ${encodingOf(accept)}`;

/** The head of a remembered response as Node's writeHead writes it, split around the request id. */
function rawHeadOf(status: number, headers: string[], idIndex: number, bodyBytes: number): [string, string] | undefined {
  if (status === 200 && headers.findIndex((h, i) => i % 2 === 0 && h === 'content-length' && headers[i + 1] === String(bodyBytes)) < 0) return undefined;
  let before = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n`;
  let after = '';
  for (let i = 0; i < headers.length; i += 2) {
    const line = `${headers[i]}: ${i + 1 === idIndex ? '' : headers[i + 1]}\r\n`;
    if (i + 1 < idIndex) before += line;
    else if (i + 1 === idIndex) before += line.slice(0, -2);
    else after += line;
  }
  return [before, `\r\n${after}`];
}

/** The value of Node's Date header (always 29 characters), made once a second. */
let dateSecond = -1;
let dateValue = '';
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateValue = new Date(now).toUTCString();
  }
  return dateValue;
}

/** A whole response head as Node writes it: the remembered headers, the request id, Date and `connection` (its header lines). */
const headText = ([before, after]: [string, string], reqId: string, connection: string) => `${before}${reqId}${after}Date: ${httpDate()}\r\n${connection}\r\n`;

/** Packs a remembered response with its keep-alive head; the entry's body becomes a view into the pack. */
function pack(entry: Entry, rawHead: [string, string], keepAliveSeconds: number): Packed {
  const [before, after] = rawHead;
  const head = Buffer.from(headText(rawHead, '0'.repeat(UUID_CHARS), `Connection: keep-alive\r\nKeep-Alive: timeout=${keepAliveSeconds}\r\n`), 'latin1');
  const buf = Buffer.concat([head, entry.body]);
  entry.body = buf.subarray(head.length);
  const packed: Packed = {
    buf,
    spares: [],
    headBytes: head.length,
    idAt: before.length,
    dateAt: before.length + UUID_CHARS + after.length + 'Date: '.length,
    keepAliveSeconds,
    busy: false,
    release: () => {
      packed.busy = false;
    },
  };
  return packed;
}

export function createRequestListener(app: { fetch: Fetch }, deps: Deps, options: Options = {}) {
  const limit = options.limit ?? 3000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const enabled = options.enabled ?? true;
  const entries = new Map<string, Entry>();
  const doorkeeper = new Doorkeeper();
  const stats: FastPathStats = { hits: 0, frontDoor: 0, stored: 0 };
  let bytes = 0;
  const sizeOf = (e: Entry) => e.body.byteLength + e.headers.reduce((n, h) => n + h.length, 0);

  function forget(key: string) {
    const old = entries.get(key);
    if (!old) return;
    bytes -= sizeOf(old);
    entries.delete(key);
  }

  function remember(key: string, entry: Entry) {
    forget(key);
    const size = sizeOf(entry);
    while (entries.size && (entries.size >= limit || bytes + size > maxBytes)) forget(entries.keys().next().value as string);
    entries.set(key, entry);
    bytes += size;
    stats.stored++;
  }

  /** Learns from a response Hono gave to an eligible GET under key `base`; the version is the one read before Hono ran. */
  async function learn(base: string, logPath: string, res: Response, version: number) {
    const status = res.status;
    if (status !== 200 && status !== 304) return;
    if (res.headers.has('set-cookie') || /no-store|private/.test(res.headers.get('cache-control') ?? '')) return;
    const etag = res.headers.get('etag');
    if (!etag) return;
    if (status === 200 && !(res.headers.get('content-type') ?? '').startsWith('text/html')) return;
    const body = status === 200 ? Buffer.from(await res.clone().arrayBuffer()) : Buffer.alloc(0);
    if (body.byteLength > MAX_BODY) return;
    const headers: string[] = [];
    let idIndex = -1;
    for (const [name, value] of res.headers) {
      if (name === 'x-request-id') idIndex = headers.length + 1;
      headers.push(name, value);
    }
    if (idIndex < 0) return;
    // A 304 is only ever sent in place of a remembered page.
    if (status === 304 && !entries.has(base)) return;
    const middle = requestLineMiddle('GET', logPath, status);
    remember(status === 200 ? base : `${base} 304`, {
      version,
      status,
      headers,
      idIndex,
      body,
      etag,
      logPath,
      logMiddle: middle,
      logZeroTail: requestLineZeroTail(middle),
      rawHead: rawHeadOf(status, headers, idIndex, body.byteLength),
    });
  }

  const fetch: Fetch = async (request, env) => {
    const req = env.incoming;
    if (!enabled || req.method !== 'GET') return app.fetch(request, env);
    const r = look(req);
    const path = new URL(request.url).pathname;
    if (!r.eligible || !isPageCacheable(path)) return app.fetch(request, env);
    // Taken now: `seen` is reused by the next request while this one waits.
    const base = keyOf(r.host, req.url ?? '', r.accept);
    let version: number;
    try {
      version = await deps.contentVersion.current();
    } catch {
      // The database is away: Hono answers (with its 503 page) and nothing is learnt.
      return app.fetch(request, env);
    }
    const res = await app.fetch(request, env);
    if (!doorkeeper.admit(base, req.url ?? '')) return res;
    await learn(base, redactPath(path), res, version).catch((err) =>
      deps.log.warn({ err: { message: (err as Error).message } }, 'fast path could not keep a page'),
    );
    return res;
  };
  const hono = getRequestListener(fetch as (request: Request, env: unknown) => Promise<Response>);

  /** The remembered response for an eligible GET or HEAD, or undefined: Hono answers. */
  function find(base: string, ifNoneMatch: string | undefined): Entry | undefined {
    if (!enabled) return undefined;
    const entry = entries.get(base);
    if (!entry) return undefined;
    // While the database cannot be reached, pages of the last version read are still served.
    const version = deps.contentVersion.peek() ?? deps.contentVersion.lastKnown();
    if (version === undefined || entry.version !== version) return undefined;
    if (ifNoneMatch === undefined || !matches(ifNoneMatch, entry.etag)) return entry;
    const notModified = entries.get(`${base} 304`);
    if (!notModified || notModified.version !== version || notModified.etag !== entry.etag) return undefined;
    return notModified;
  }

  /**
   * Counts a hit and writes its log line. `start`: when the request began to wait
   * (performance.now()); undefined when it was answered at once (0 ms).
   */
  function served(entry: Entry, reqId: string, method: string, start: number | undefined) {
    stats.hits++;
    const ms = start === undefined ? 0 : Math.round(performance.now() - start);
    if (method === 'GET') logRequestLine(deps.log, reqId, method, entry.logPath, entry.status, ms, entry.logMiddle, entry.logZeroTail);
    else logRequestLine(deps.log, reqId, method, entry.logPath, entry.status, ms);
  }

  /** Sends a remembered response through Node's HTTP server; false when the request must go to Hono. */
  function serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (!enabled) return false;
    const start = performance.now();
    const r = look(req);
    if (!r.eligible) return false;
    const entry = find(keyOf(r.host, req.url ?? '', r.accept), r.ifNoneMatch);
    if (!entry) return false;
    const reqId = randomUUID();
    entry.headers[entry.idIndex] = reqId;
    res.writeHead(entry.status, entry.headers);
    if (req.method === 'HEAD' || entry.status === 304) res.end();
    else res.end(entry.body);
    served(entry, reqId, req.method ?? 'GET', start);
    return true;
  }

  /**
   * Sends a remembered response straight onto the socket (see front-door.ts), byte for byte what
   * `serve` would have Node write; false when Node's HTTP server must take the request. When the
   * page is remembered but this instance's view of the content version is more than a second old,
   * the answer waits for the version to be read again (one read for all waiting requests), so that
   * the connection is not handed to Node's HTTP server for good once a second.
   */
  function answer(server: Server, request: SimpleRequest, socket: Socket): boolean | Promise<boolean> {
    // The same request head is the same request object (front-door.ts): its key is made once.
    request.key ??= keyOf(request.host, request.url, request.accept);
    const base = request.key;
    const entry = find(base, request.ifNoneMatch);
    if (entry?.rawHead) return send(server, request, socket, entry, undefined);
    if (entry || deps.contentVersion.peek() !== undefined || !entries.has(base)) return false;
    const start = performance.now();
    return deps.contentVersion
      .current()
      .catch(() => undefined)
      .then(() => {
        const fresh = find(base, request.ifNoneMatch);
        // The connection may have gone (or been closed) while the version was read.
        if (socket.destroyed || socket.writableEnded) return false;
        return fresh?.rawHead !== undefined && send(server, request, socket, fresh, start);
      });
  }

  function send(server: Server, request: SimpleRequest, socket: Socket, entry: Entry, start: number | undefined): true {
    const reqId = randomUUID();
    const rawHead = entry.rawHead as [string, string];
    const bodiless = request.method === 'HEAD' || entry.status === 304;
    if (request.close) {
      // The last request on a connection: rare enough to be written in two parts.
      socket.cork();
      socket.write(headText(rawHead, reqId, 'Connection: close\r\n'), 'latin1');
      if (!bodiless) socket.write(entry.body);
      socket.uncork();
    } else {
      const keepAliveSeconds = Math.floor(server.keepAliveTimeout / 1000);
      let packed = entry.packed;
      if (packed?.keepAliveSeconds !== keepAliveSeconds) packed = entry.packed = pack(entry, rawHead, keepAliveSeconds);
      const bytes = bodiless ? packed.headBytes : packed.buf.length;
      const own = !packed.busy;
      // A spare or a copy holds another request's id and date until they are written over below.
      const buf = own ? packed.buf : (packed.spares.pop() ?? Buffer.from(packed.buf));
      buf.write(reqId, packed.idAt, 'latin1');
      buf.write(httpDate(), packed.dateAt, 'latin1');
      const out = bytes === buf.length ? buf : buf.subarray(0, bytes);
      if (own) {
        packed.busy = true;
        socket.write(out, packed.release);
      } else
        socket.write(out, () => {
          if (packed.spares.length < SPARES) packed.spares.push(buf);
        });
    }
    stats.frontDoor++;
    served(entry, reqId, request.method, start);
    return true;
  }

  return {
    listener(req: IncomingMessage, res: ServerResponse) {
      if (!serve(req, res)) void hono(req, res);
    },
    stats,
    /** Lets the front door answer remembered pages on `server`'s connections before Node's HTTP server reads them. */
    attach(server: Server) {
      if (enabled) attachFrontDoor(server, (request, socket) => answer(server, request, socket));
    },
    /** Forgets every remembered response (tests). */
    clear() {
      entries.clear();
      bytes = 0;
    },
  };
}

/** The HTTP server `npm start` runs: the fast path, then Hono. */
export function createHttpServer(app: { fetch: Fetch }, deps: Deps, options: Options = {}): { server: Server; stats: FastPathStats } {
  const { listener, stats, attach } = createRequestListener(app, deps, options);
  const server = createServer(listener);
  attach(server);
  return { server, stats };
}
