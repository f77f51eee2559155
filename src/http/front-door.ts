import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The front door: reads requests off the socket before Node's HTTP server does, so that a public
 * page the fast path remembers can be sent without building a request and a response object.
 *
 * Measured on a 2-core machine (wrk, 50 connections, one core for the server): a node:http server
 * that sends a fixed 5 KB page from memory managed 51,000 requests/s, a `net` server sending the
 * same bytes 133,000, nginx 118,000. Node's HTTP machinery, not our code, was the ceiling.
 *
 * Only the plainest requests are read here: an HTTP/1.1 GET or HEAD, whole in the bytes received so
 * far, with an origin-form target of safe characters, exactly one Host, header lines of visible
 * ASCII with token names, and nothing that gives the request a body or changes the connection
 * (Content-Length, Transfer-Encoding, Upgrade, Expect, a Connection other than close or
 * keep-alive) or makes it personal (Cookie, Authorization). The first request that is anything
 * else, or that the fast path does not remember, hands the connection to Node's HTTP server with
 * every unread byte put back: from then on Node parses, validates and times out that connection as
 * it always did. Requests are never reordered: answers already written go out before Node's.
 */

export interface SimpleRequest {
  method: 'GET' | 'HEAD';
  /** The request target exactly as sent, as Node's `req.url` has it. */
  url: string;
  host: string;
  /** Accept-Encoding; repeated headers joined with ", " as Node does. */
  accept: string;
  ifNoneMatch: string | undefined;
  /** Connection: close was asked. */
  close: boolean;
  /** Free for the answerer to keep what it derives from the request (a cache key, say): the same head gives the same object. */
  key?: string;
}

/** Node's default limit on a request's head (maxHeaderSize); a longer one goes to Node, which answers 431. */
export const MAX_HEAD = 16 * 1024;
const MAX_HEADERS = 64;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TARGET = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;
const VALUE = /^[\t\x20-\x7e]*$/;
/** Headers that give a request a body, change the connection or make the request personal. */
const REFUSED = new Set([
  'content-length',
  'transfer-encoding',
  'upgrade',
  'expect',
  'cookie',
  'authorization',
  'http2-settings',
  'keep-alive',
  // Read by Node's parser as a second Connection header.
  'proxy-connection',
]);

/**
 * Reads one request head, the text before its blank line (latin1, without the final CRLF CRLF).
 * Undefined when it is anything but a plain bodiless HTTP/1.1 GET or HEAD.
 */
export function parseSimpleRequest(head: string): SimpleRequest | undefined {
  if (head.length > MAX_HEAD) return undefined;
  const lines = head.split('\r\n');
  if (lines.length - 1 > MAX_HEADERS) return undefined;
  const requestLine = lines[0] as string;
  let method: SimpleRequest['method'];
  if (requestLine.startsWith('GET ')) method = 'GET';
  else if (requestLine.startsWith('HEAD ')) method = 'HEAD';
  else return undefined;
  if (!requestLine.endsWith(' HTTP/1.1')) return undefined;
  const url = requestLine.slice(method.length + 1, -9);
  if (!TARGET.test(url)) return undefined;
  let host: string | undefined;
  let accept: string | undefined;
  let ifNoneMatch: string | undefined;
  let close = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    // A lone CR or LF anywhere, and obs-fold (a line starting with a space), fail the checks below.
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return undefined;
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (!VALUE.test(value)) return undefined;
    const lower = name.toLowerCase();
    if (REFUSED.has(lower)) return undefined;
    if (lower === 'host') {
      if (host !== undefined || value === '') return undefined;
      host = value;
    } else if (lower === 'accept-encoding') accept = accept === undefined ? value : `${accept}, ${value}`;
    else if (lower === 'if-none-match') ifNoneMatch = ifNoneMatch === undefined ? value : `${ifNoneMatch}, ${value}`;
    else if (lower === 'connection') {
      const v = value.toLowerCase();
      if (v === 'close') close = true;
      else if (v !== 'keep-alive') return undefined;
    }
  }
  if (host === undefined) return undefined;
  return { method, url, host, accept: accept ?? '', ifNoneMatch, close };
}

/**
 * Request heads seen before and what they read as. A client sends the same head for the same page
 * again and again (and a benchmark does nothing else): a lookup costs a fifth of a parse. Only
 * plain heads of at most 1 KB are kept, at most 1,024 of them (all forgotten when full).
 */
const known = new Map<string, SimpleRequest>();
const KNOWN_MAX = 1024;
const KNOWN_HEAD_MAX = 1024;

export function readRequest(head: string): SimpleRequest | undefined {
  let request = known.get(head);
  if (request !== undefined) return request;
  request = parseSimpleRequest(head);
  if (request !== undefined && head.length <= KNOWN_HEAD_MAX) {
    if (known.size >= KNOWN_MAX) known.clear();
    known.set(head, request);
  }
  return request;
}

/**
 * Writes the answer to `request` on the socket and returns true, or returns false: Node's HTTP
 * server takes over. A promise when the answer must first wait (for the database, say).
 */
export type Answer = (request: SimpleRequest, socket: Socket) => boolean | Promise<boolean>;

const END = Buffer.from('\r\n\r\n');

/** A connection while it is at the front door. */
interface Door {
  /** Stops reading and ends the connection once what was written has gone out (idle connections only). */
  close(): void;
  /** An answer is waiting (for the database, or for the client to read what was written). */
  busy(): boolean;
}

/**
 * Puts the front door before `server`'s own connection handling. `server.closeIdleConnections()`
 * (called by `server.close()`, and by `npm start`'s shutdown every 50 ms) also closes the idle
 * connections still at the front door, and `closeAllConnections()` all of them.
 *
 * Of Node's server settings it follows `keepAliveTimeout` (as the idle limit between requests);
 * with `maxRequestsPerSocket` set, or `keepAliveTimeout` 0, it answers nothing and every
 * connection goes to Node.
 */
export function attachFrontDoor(server: Server, answer: Answer): void {
  const [httpConnection] = server.listeners('connection') as ((socket: Socket) => void)[];
  if (!httpConnection) throw new Error('the HTTP server has no connection listener');
  server.removeAllListeners('connection');
  const open = new Map<Socket, Door>();

  server.on('connection', (socket: Socket) => {
    if (server.maxRequestsPerSocket || !server.keepAliveTimeout) {
      httpConnection.call(server, socket);
      return;
    }
    /** Reading is paused while an answer waits or the socket's writes drain. */
    let held = false;
    /** Still at the front door: not handed to Node, not closed. */
    let here = true;
    const onTimeout = () => socket.destroy();
    const onError = () => socket.destroy();
    /** The client is done sending: our side ends too once its last answer is written (as Node does). */
    let clientDone = false;
    const onEnd = () => {
      clientDone = true;
      if (!held) leave(true);
    };
    const onClose = () => open.delete(socket);

    /** Stops serving this connection: `end` it, or (handOff) leave it to the caller. */
    function leave(end: boolean) {
      here = false;
      socket.off('data', read);
      socket.off('end', onEnd);
      socket.off('timeout', onTimeout);
      // Closed for good once what was written has gone out, whatever the client does.
      if (end) socket.end(() => socket.destroy());
    }

    const handOff = (rest: Buffer) => {
      leave(false);
      socket.off('error', onError);
      socket.off('close', onClose);
      open.delete(socket);
      socket.setTimeout(0);
      socket.pause();
      if (rest.length) socket.unshift(rest);
      httpConnection.call(server, socket);
      // Node's parser now reads what was put back, then what comes next.
      socket.resume();
    };

    const hold = () => {
      held = true;
      socket.pause();
    };

    /**
     * The start of a request cut off by the end of what was read (pipelined requests, a read's
     * edge): kept for the next read. If that read does not complete it either, the connection goes
     * to Node, whose header timeout then applies (a client trickling a request in byte by byte).
     */
    let partial: Buffer | undefined;
    /** `chunk` begins with a kept start of a request. */
    let carried = false;

    /** Answers the requests in `chunk` from `at` on, in order. */
    function serve(chunk: Buffer, at: number): void {
      while (at < chunk.length) {
        const end = chunk.indexOf(END, at);
        if (end === -1 && !(carried && at === 0) && !clientDone && chunk.length - at <= MAX_HEAD) {
          partial = Buffer.from(chunk.subarray(at));
          break;
        }
        // Part of a request twice over, or one that is anything but plain.
        if (end === -1 || end - at > MAX_HEAD) {
          handOff(chunk.subarray(at));
          return;
        }
        const request = readRequest(chunk.toString('latin1', at, end));
        const result = request ? answer(request, socket) : false;
        if (result === false || !request) {
          handOff(chunk.subarray(at));
          return;
        }
        const from = at;
        at = end + 4;
        if (result !== true) {
          hold();
          result
            .then((ok) => {
              if (socket.destroyed || !here) return;
              if (!ok) handOff(chunk.subarray(from));
              else answered(request, chunk, at);
            })
            .catch(() => socket.destroy());
          return;
        }
        if (request.close || socket.writableNeedDrain) {
          answered(request, chunk, at);
          return;
        }
      }
      if (clientDone) leave(true);
      else if (held) {
        held = false;
        socket.resume();
      }
    }

    /** After an answer: close, wait for the client to read, or go on with the rest of `chunk`. */
    function answered(request: SimpleRequest, chunk: Buffer, at: number) {
      // Anything sent after a Connection: close goes unanswered.
      if (request.close) leave(true);
      else if (socket.writableNeedDrain) {
        // A client that sends faster than it reads waits, as it would at Node's HTTP server: no
        // more is read (nor answered) until what was written has gone out.
        hold();
        socket.once('drain', () => {
          if (!socket.destroyed && here) serve(chunk, at);
        });
      } else serve(chunk, at);
    }

    function read(chunk: Buffer) {
      carried = partial !== undefined;
      if (partial) {
        chunk = Buffer.concat([partial, chunk]);
        partial = undefined;
      }
      serve(chunk, 0);
    }

    open.set(socket, {
      close: () => {
        if (here) leave(true);
      },
      busy: () => held || partial !== undefined || socket.writableLength > 0,
    });
    socket.setTimeout(server.keepAliveTimeout);
    socket.on('timeout', onTimeout);
    socket.on('error', onError);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    socket.on('data', read);
  });

  const closeIdle = server.closeIdleConnections.bind(server);
  const closeAll = server.closeAllConnections.bind(server);
  server.closeIdleConnections = () => {
    // A connection whose answer is still waiting is left for a later call, as Node leaves one
    // with a request in progress.
    for (const door of open.values()) if (!door.busy()) door.close();
    closeIdle();
  };
  server.closeAllConnections = () => {
    for (const socket of open.keys()) socket.destroy();
    open.clear();
    closeAll();
  };
}
