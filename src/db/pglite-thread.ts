import { deserialize } from 'node:v8';
import { Worker } from 'node:worker_threads';

/**
 * PGlite in a thread of its own (pglite-worker.ts), with the part of PGlite's client that Drizzle and
 * this app use: query, exec, transaction, close.
 *
 * Why: PGlite runs PostgreSQL on the thread that calls it, so in the web server's thread every
 * statement stopped all else: a search spent about 2 ms in the database and 0.5 ms parsing the request
 * and rendering, one after the other, and a second core stayed idle. With the database in its own
 * thread the two overlap (bench:search: see docs/deploy.md and bench/RESULTS.md).
 *
 * Semantics are PGlite's own: statements run one at a time, in the order sent; while a transaction is
 * open, statements from outside it wait until it ends. One difference: the types in KEPT_AS_TEXT come
 * back as text always, which is what Drizzle asks for with every query; other result parsers are
 * refused, as functions cannot cross to the thread.
 */

export interface Results<T = Record<string, unknown>> {
  rows: T[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}
type QueryOptions = { rowMode?: 'array' | 'object'; parsers?: Record<number | string, (value: string, typeId: number) => unknown> };

export interface ThreadClient {
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(text: string): Promise<Results[]>;
}

export interface PgliteThread extends ThreadClient {
  transaction<T>(fn: (tx: ThreadClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Stops the thread at once, as a crash would (for tests of what follows). */
  kill(): Promise<void>;
}

/**
 * The thread is gone: closed, or stopped by a fault. SQLSTATE 57P01 (the server ended the
 * connection) marks it as "database unavailable", so requests get a 503 with Retry-After.
 */
class ThreadStopped extends Error {
  readonly code = '57P01';
}

/** A statement's failure as PostgreSQL reported it: message, code, constraint, detail, … */
export class ThreadDatabaseError extends Error {
  code?: string;
  constructor(fields: Record<string, unknown>) {
    super(String(fields.message ?? 'database error'));
    Object.assign(this, fields);
    this.name = typeof fields.name === 'string' ? fields.name : 'error';
  }
}

/** timestamp, timestamptz, interval, date, and the arrays numeric[], timestamp[], timestamptz[], interval[], date[]. */
export const KEPT_AS_TEXT = [1114, 1184, 1186, 1082, 1231, 1115, 1185, 1187, 1182];

const checked = new WeakSet<object>();
function checkParsers(parsers: QueryOptions['parsers']) {
  if (!parsers || checked.has(parsers)) return;
  for (const [oid, parse] of Object.entries(parsers)) {
    if (!KEPT_AS_TEXT.includes(Number(oid)) || parse('\u0001probe', Number(oid)) !== '\u0001probe')
      throw new Error(`PGlite thread: a result parser for type ${oid} cannot cross to the database thread`);
  }
  checked.add(parsers);
}

export async function startPgliteThread(dataDir: string | undefined): Promise<PgliteThread> {
  // The thread takes the process's flags (--import tsx, say), except node -e's --input-type, which
  // fails a worker; only then are flags given explicitly (Node checks those, and refuses some).
  const flags = process.execArgv;
  const inputType = flags.findIndex((flag) => flag.startsWith('--input-type'));
  const execArgv = inputType < 0 ? undefined : flags.filter((_, k) => k !== inputType && !(flags[inputType] === '--input-type' && k === inputType + 1));
  const worker = new Worker(new URL('./pglite-worker.ts', import.meta.url), { workerData: { dataDir, keptAsText: KEPT_AS_TEXT }, execArgv });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let stopped: Error | null = null;

  const stop = (err: Error) => {
    stopped ??= err;
    for (const p of pending.values()) p.reject(stopped);
    pending.clear();
  };

  await new Promise<void>((ready, failed) => {
    const first = (msg: { ready?: true; failed?: Record<string, unknown> }) => {
      worker.off('error', failed);
      if (msg.failed) failed(new ThreadDatabaseError(msg.failed));
      else ready();
    };
    worker.once('message', first);
    worker.once('error', failed);
    worker.once('exit', (code) => failed(new Error(`the database thread stopped while opening (exit code ${code})`)));
  });
  worker.unref();
  // The thread keeps the process alive only while it owes an answer, like a socket with a request out.
  const settle = (id: number) => {
    const p = pending.get(id);
    pending.delete(id);
    if (!pending.size) worker.unref();
    return p;
  };
  worker.on('message', (msg: { id: number; data?: Uint8Array; error?: Record<string, unknown> }) => {
    const p = settle(msg.id);
    if (!p) return;
    if (msg.error) return p.reject(new ThreadDatabaseError(msg.error));
    try {
      p.resolve(deserialize(msg.data as Uint8Array));
    } catch (err) {
      p.reject(new Error(`the database's answer could not be read: ${(err as Error).message}`));
    }
  });
  // A fault in the thread: every waiting and later call fails at once (a 503), and it is said on
  // stderr, since nothing else would tell. /readyz answers 503 from then on, for a supervisor.
  const fault = (why: string, cause?: unknown) => {
    if (stopped) return;
    console.error(`PGlite: ${why}`, cause ?? '');
    stop(new ThreadStopped(why, { cause }));
  };
  worker.on('error', (err) => fault(`the database thread failed: ${err.message}`, err));
  worker.on('messageerror', (err) => fault('a message from the database thread could not be read', err));
  worker.on('exit', (code) => fault(`the database thread stopped (exit code ${code})`));

  const call = <T>(msg: Record<string, unknown>): Promise<T> => {
    if (stopped) return Promise.reject(stopped);
    const id = nextId++;
    if (!pending.size) worker.ref();
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        worker.postMessage({ ...msg, id });
      } catch (err) {
        // A parameter that cannot be copied to the thread (a function, say): this call fails alone.
        settle(id);
        reject(err);
      }
    });
  };

  const clientFor = (tx: number): ThreadClient => ({
    query: async (text, params = [], options = {}) => {
      checkParsers(options.parsers);
      return call({ op: 'query', tx, text, params, rowMode: options.rowMode ?? 'object' });
    },
    exec: (text) => call({ op: 'exec', tx, text }),
  });

  return {
    ...clientFor(0),
    async transaction(fn) {
      const tx = await call<number>({ op: 'begin' });
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        result = await fn(clientFor(tx));
      } catch (err) {
        await call({ op: 'end', tx, commit: false }).catch(() => {});
        throw err;
      }
      await call({ op: 'end', tx, commit: true });
      return result;
    },
    async kill() {
      await worker.terminate();
    },
    async close() {
      if (stopped) return;
      await call({ op: 'close' });
      stop(new ThreadStopped('the database is closed'));
      await worker.terminate();
    },
  };
}
