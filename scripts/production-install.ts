// `npm run test:install`: the production path of docs/deploy.md, checked. Copies what a release
// holds (package.json, package-lock.json, tsconfig.json, src/, content/) into a fresh folder, installs it with
// `npm ci --omit=dev`, starts it with `npm start` on the Node 24 of this (development) install, and
// waits until /readyz answers; then stops it with SIGTERM and expects a clean exit.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'hw-release-'));
// Node 24 from the development install (the `node` devDependency), as a server gets it from its own package.
const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}` };
delete env.npm_config_omit;

function fail(message: string): never {
  console.error(`production install: ${message}`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });

try {
  // tsconfig.json too: tsx reads its JSX settings (hono/jsx) from it.
  for (const item of ['package.json', 'package-lock.json', 'tsconfig.json', 'src', 'content'])
    cpSync(join(root, item), join(dir, item), { recursive: true, filter: (p) => !/\.test\.tsx?$/.test(p) });
  console.log(`npm ci --omit=dev in ${dir} …`);
  const started = Date.now();
  const install = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, env, stdio: 'inherit' });
  if (install.status !== 0) fail(`npm ci --omit=dev exited with ${install.status}`);
  console.log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (existsSync(join(dir, 'node_modules', 'vitest'))) fail('devDependencies were installed');

  const port = await freePort();
  const version = spawnSync('node', ['--version'], { env, encoding: 'utf8' }).stdout.trim();
  console.log(`npm start on port ${port} with node ${version} …`);
  const app = spawn('npm', ['start'], {
    cwd: dir,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  app.stdout?.on('data', (d) => (output += d));
  app.stderr?.on('data', (d) => (output += d));
  // 'close', not 'exit': npm may end before the app it started has written its last lines.
  const exited = new Promise<number | null>((done) => app.once('close', (code) => done(code)));
  const stopped = () => output.includes('"msg":"stopped"');
  // Wait for the condition, not for a time: the ceiling only stops a start that never comes.
  const deadline = Date.now() + 180_000;
  let ready = false;
  while (!ready && Date.now() < deadline && app.exitCode === null) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      ready = res.ok && ((await res.json()) as { status?: string }).status === 'ok';
    } catch {}
    if (!ready) await new Promise((r) => setTimeout(r, 250));
  }
  const page = ready ? await fetch(`http://127.0.0.1:${port}/themas/hechting`) : undefined;
  // npm start runs node as its child: signal the whole group, as a service manager would.
  if (app.exitCode === null && app.pid) process.kill(-app.pid, 'SIGTERM');
  const code = await exited;
  if (!ready) fail(`/readyz did not answer 200 (exit ${code}):\n${output}`);
  if (page?.status !== 200) fail(`/themas/hechting answered ${page?.status}:\n${output}`);
  // npm itself ends by the signal; the app must have shut down on its own terms (its last log line).
  if (!stopped()) fail(`the app did not shut down cleanly after SIGTERM (npm exit ${code}):\n${output}`);
  console.log(`ok: npm ci --omit=dev && npm start answered /readyz in ${((Date.now() - started) / 1000).toFixed(1)} s in all, and stopped cleanly`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
