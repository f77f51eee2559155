import { createHash } from 'node:crypto';
import { realpathSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';

/**
 * The app's own lock on a DATA_DIR, beside PostgreSQL's postmaster.pid: a local socket that this
 * process listens on for as long as it owns the directory. The kernel closes it when the process
 * ends in any way (SIGKILL and OOM included), so a lock is never left behind, and a PID reused
 * after a restart (PID 1 in a container) cannot be mistaken for the owner, as a PID file can.
 * On Linux it is an abstract socket (no file at all); elsewhere a socket file in DATA_DIR, or a
 * named pipe on Windows.
 */
export class DataDirBusy extends Error {}

export interface DataDirLock {
  release(): Promise<void>;
}

function address(dataDir: string): { path: string; file: boolean } {
  const id = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 32);
  if (process.platform === 'linux') return { path: `\0hechtwerk-data-${id}`, file: false };
  if (process.platform === 'win32') return { path: `\\\\?\\pipe\\hechtwerk-data-${id}`, file: false };
  return { path: join(dataDir, '.hechtwerk.lock'), file: true };
}

const listen = (server: Server, path: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });

/** Who holds the lock: its pid, or null when nothing answers (a socket file left by a crash). */
function holder(path: string): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    let data = '';
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (chunk) => (data += chunk));
    socket.on('error', () => resolve(null));
    socket.on('close', () => {
      const pid = Number(/"pid":(\d+)/.exec(data)?.[1]);
      resolve(Number.isFinite(pid) ? pid : data ? 0 : null);
    });
  });
}

export const busyMessage = (dataDir: string, pid: number | null) =>
  `DATA_DIR ${dataDir} is al in gebruik door een ander Hechtwerk-proces${pid ? ` (pid ${pid})` : ''}; stop dat eerst of kies een andere DATA_DIR. / ` +
  `DATA_DIR ${dataDir} is already in use by another Hechtwerk process${pid ? ` (pid ${pid})` : ''}; stop it first or choose another DATA_DIR.`;

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const { path, file } = address(dataDir);
  const server = createServer((socket) => socket.end(JSON.stringify({ pid: process.pid })));
  try {
    await listen(server, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const pid = await holder(path);
    if (pid !== null || !file) throw new DataDirBusy(busyMessage(dataDir, pid));
    // A socket file nobody listens on: left by a process that ended. Take it over.
    rmSync(path, { force: true });
    try {
      await listen(server, path);
    } catch {
      throw new DataDirBusy(busyMessage(dataDir, await holder(path)));
    }
  }
  // The lock must not keep the process alive on its own.
  server.unref();
  let released: Promise<void> | null = null;
  return {
    release: () =>
      (released ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
      })),
  };
}
