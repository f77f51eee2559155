// The embedded database's own thread (see pglite-thread.ts). PGlite is PostgreSQL compiled to
// WebAssembly: every statement runs on the thread that owns it. Here that is this worker, so the web
// server's thread only parses requests and renders pages while the database works beside it.
//
// Written in erasable TypeScript only (no enums, no parameter properties): Node runs it as is.
import { serialize } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';

type Request =
  | { id: number; op: 'query'; tx: number; text: string; params: unknown[]; rowMode: 'array' | 'object' }
  | { id: number; op: 'exec'; tx: number; text: string }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };

const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs as a worker thread');

const { dataDir } = workerData as { dataDir?: string };

/** What crosses back to the caller of a failed statement: the message and PostgreSQL's fields (code, constraint, …). */
function describe(err: unknown): Record<string, unknown> {
  if (typeof err !== 'object' || err === null) return { message: String(err) };
  // An Error, or what Emscripten throws (an ExitStatus, say): its message and simple fields.
  const { message, name } = err as { message?: unknown; name?: unknown };
  const out: Record<string, unknown> = { message: typeof message === 'string' ? message : String(err), name: typeof name === 'string' ? name : 'Error' };
  for (const [key, value] of Object.entries(err)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) out[key] = value;
  }
  return out;
}

/**
 * Types whose values stay text, for every statement: dates, times, intervals and their arrays, as
 * Drizzle asks (pglite-thread.ts: KEPT_AS_TEXT). Set once here rather than passed with each query:
 * PGlite copies its whole table of 318 parsers for every query that brings its own (0.09 ms each).
 */
const { keptAsText } = workerData as { keptAsText: number[] };

/** Open transactions: their handle, and how to end them (commit: resolve; roll back: reject). */
const open = new Map<number, { tx: Transaction; end: (commit: boolean) => void; done: Promise<unknown> }>();
let nextTx = 1;

try {
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  for (const oid of keptAsText) db.parsers[oid] = (value: string) => value;
  /** The database, or the open transaction a statement belongs to. */
  const targetOf = (tx: number) => {
    const target = tx ? open.get(tx)?.tx : db;
    if (!target) throw new Error(`transaction ${tx} is not open`);
    return target;
  };
  const run = async (msg: Request): Promise<unknown> => {
    switch (msg.op) {
      case 'query': {
        const target = targetOf(msg.tx);
        const result = await target.query(msg.text, msg.params, { rowMode: msg.rowMode });
        return { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows };
      }
      case 'exec': {
        const target = targetOf(msg.tx);
        return (await target.exec(msg.text)).map((r) => ({ rows: r.rows, fields: r.fields, affectedRows: r.affectedRows }));
      }
      case 'begin': {
        const id = nextTx++;
        // Resolves with the transaction's number once PGlite has begun it (after any transaction
        // before it has ended); the transaction then stays open until 'end' arrives.
        return await new Promise<number>((begun, failed) => {
          // (PGlite calls this back asynchronously, after its lock: `done` is set by then.)
          const done = db.transaction(
            (tx) =>
              new Promise<void>((commit, rollBack) => {
                open.set(id, { tx, end: (ok) => (ok ? commit() : rollBack(new Error('rolled back'))), done });
                begun(id);
              }),
          );
          done.catch(failed).finally(() => open.delete(id));
        });
      }
      case 'end': {
        const entry = open.get(msg.tx);
        if (!entry) throw new Error(`transaction ${msg.tx} is not open`);
        entry.end(msg.commit);
        try {
          await entry.done;
        } catch (err) {
          // A rollback asked for ends in the rejection that asked for it; a failed commit is reported.
          if (msg.commit) throw err;
        }
        return null;
      }
      case 'close':
        await db.close();
        return null;
    }
  };
  // A result is sent serialised, so one that cannot be copied (too deeply nested, say) fails its own
  // call here, and one that cannot be read fails its own call on the other side: never a lost answer.
  const answer = (id: number, result: unknown) => {
    let data: Buffer;
    try {
      data = serialize(result);
    } catch (err) {
      port.postMessage({ id, error: describe(err) });
      return;
    }
    port.postMessage({ id, data });
  };
  port.on('message', (msg: Request) => {
    run(msg).then(
      (result) => answer(msg.id, result),
      (err: unknown) => port.postMessage({ id: msg.id, error: describe(err) }),
    );
  });
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({ failed: describe(err) });
}
