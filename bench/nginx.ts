// nginx with the production configuration of docs/nginx/hechtwerk.conf, on loopback ports, for
// test/nginx.test.ts and `npm run bench:pages`. Only what must differ on a test machine is changed:
// ports, the instance's address, the certificate (self-signed, made here) and the cache directory.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONFIG_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'nginx', 'hechtwerk.conf');
export const SERVER_NAME = 'hechtwerk.example.nl';

export const hasNginx = () => spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim() !== '';

function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`${CONFIG_FILE}: expected "${from}" exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

export interface NginxOptions {
  /** The app instance behind it. */
  appPort: number;
  httpsPort: number;
  httpPort: number;
  workers?: number;
  /** Extra server blocks (the benchmark's static file server), with `CERT` and `KEY` standing for the certificate's files. */
  extra?: string;
  /** Runs nginx on these cores (taskset's list syntax). */
  pin?: (command: string, args: string[]) => [string, string[]];
}

export interface RunningNginx {
  dir: string;
  cert: string;
  stop(): Promise<void>;
  errorLog(): string;
}

/** Starts nginx with the production configuration; resolves once it answers on the HTTPS port. */
export async function startDeployedNginx(opts: NginxOptions): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'hw-nginx-'));
  // nginx's workers run as nobody when started by root: they must reach the cache and the files.
  chmodSync(dir, 0o755);
  for (const sub of ['cache', 'temp']) {
    mkdirSync(join(dir, sub));
    chmodSync(join(dir, sub), 0o777);
  }
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${SERVER_NAME}`,
      '-addext',
      `subjectAltName=DNS:${SERVER_NAME}`,
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);

  let site = readFileSync(CONFIG_FILE, 'utf8');
  site = replaceOnce(site, '/var/cache/nginx/hechtwerk', join(dir, 'cache'));
  site = replaceOnce(site, 'server 127.0.0.1:3001;', `server 127.0.0.1:${opts.appPort};`);
  site = replaceOnce(site, 'listen 80;', `listen 127.0.0.1:${opts.httpPort};`);
  site = replaceOnce(site, 'listen 443 ssl http2;', `listen 127.0.0.1:${opts.httpsPort} ssl http2;`);
  site = replaceOnce(site, `/etc/letsencrypt/live/${SERVER_NAME}/fullchain.pem`, cert);
  site = replaceOnce(site, `/etc/letsencrypt/live/${SERVER_NAME}/privkey.pem`, key);
  writeFileSync(join(dir, 'hechtwerk.conf'), site);
  const temp = join(dir, 'temp');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `
worker_processes ${opts.workers ?? 1};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 10000000;
  client_body_temp_path ${temp};
  proxy_temp_path ${temp};
  fastcgi_temp_path ${temp};
  uwsgi_temp_path ${temp};
  scgi_temp_path ${temp};
  types { text/html html; text/css css; application/javascript js; }
  default_type application/octet-stream;
  include ${dir}/hechtwerk.conf;
${(opts.extra ?? '').replaceAll('CERT', cert).replaceAll('KEY', key)}
}
`,
  );
  const args = ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'];
  const [cmd, argv] = opts.pin ? opts.pin('nginx', args) : ['nginx', args];
  const child: ChildProcess = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8') + stderr;
    } catch {
      return stderr;
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when it answers over TLS (a generous ceiling: a busy machine starts nginx slowly).
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = errorLog();
      await stop();
      throw new Error(`nginx exited with ${child.exitCode}: ${log}`);
    }
    try {
      await httpsGet(opts.httpsPort, cert, '/healthz');
      break;
    } catch {}
    if (Date.now() > deadline) {
      const log = errorLog();
      await stop();
      throw new Error(`nginx did not answer: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { dir, cert, stop, errorLog };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request over TLS to nginx on loopback, trusting only the certificate it was started with. */
export function httpsGet(
  port: number,
  cert: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: init.method ?? 'GET',
        servername: SERVER_NAME,
        ca: readFileSync(cert),
        headers: { Host: SERVER_NAME, ...init.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
