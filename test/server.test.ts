import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `npm start`'s entry point as a real process; `ready` resolves with its URL once it listens and printed the first-admin link. */
function start(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', BASE_URL: '' },
  }) as ChildProcessWithoutNullStreams;
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const ready = new Promise<{ url: string }>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /draait op (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      // Both starts below have no account yet, so each prints a link once it listens.
      if (m?.[1] && /\/beheer\/welkom\/[\w-]+/.test(out)) {
        clearInterval(timer);
        resolve({ url: m[1] });
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`exited ${code}: ${out}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, exited, output: () => out };
}

describe('npm start (the server process)', () => {
  it('migrates, loads content once, prints a working one-time admin link, keeps data, and shuts down gracefully', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'hw-server-')), 'data');
    const first = start(dataDir);
    const { url } = await first.ready;
    const link = /(http:\/\/127\.0\.0\.1:\d+\/beheer\/welkom\/[\w-]+)/.exec(first.output())?.[1];
    expect(link).toBeDefined();
    expect((await fetch(link as string)).status).toBe(200);
    expect((await fetch(`${url}/themas/hechting`)).status).toBe(200);

    // Node's own HTTP parser answers a malformed request at once (security review, finding 7): a
    // request with bare LF line ends gets 400 and a closed connection, not a 65-second wait.
    const { port } = new URL(url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /themas HTTP/1.1\nHost: x\n\n'));
      let data = '';
      socket.on('data', (d) => {
        data += d;
      });
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);

    // SIGTERM while requests are in flight: every one of them is answered, then the process exits 0.
    const inflight = Array.from({ length: 30 }, () => fetch(`${url}/zoeken?q=hechting`).then((r) => r.status));
    await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGTERM');
    const statuses = await Promise.allSettled(inflight);
    const answered = statuses.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<number>).value);
    expect(answered.every((s) => s === 200)).toBe(true);
    expect(await first.exited).toBe(0);
    // Log lines are written in batches (once a second while quiet, and flushed on shutdown): all are there now.
    expect(first.output()).toContain('"msg":"content loaded"');
    expect(first.output()).toContain('"msg":"stopped"');
    // After shutdown nothing listens any more.
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();

    // Second start on the same directory: data is there, content is not loaded again, a fresh link is printed.
    const second = start(dataDir);
    const again = await second.ready;
    expect((await fetch(`${again.url}/themas/kindermishandeling`)).status).toBe(200);
    const newLink = /(http:\/\/127\.0\.0\.1:\d+\/beheer\/welkom\/[\w-]+)/.exec(second.output())?.[1];
    expect(newLink).toBeDefined();
    // The older link stopped working when a new one was printed.
    expect((await fetch((link as string).replace(/:\d+/, `:${new URL(again.url).port}`))).status).toBe(410);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    // Checked once every line is out (see above).
    expect(second.output()).toContain('"msg":"stopped"');
    expect(second.output()).not.toContain('content loaded');
  });

  it('invalid content stops start-up with a message naming file and field', async () => {
    const { boot } = await import('../src/boot.ts');
    const { loadConfig } = await import('../src/config.ts');
    const { ContentError } = await import('../src/content/loader.ts');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'hw-badcontent-'));
    mkdirSync(join(dir, 'themas'));
    writeFileSync(
      join(dir, 'themas', 'x.md'),
      '---\ntitle: X\nslug: x\nsummary: te kort\nreviewed: 2026-01-01\n---\n## Kop\n\nTekst die lang genoeg is om de minimale lengte van vijftig tekens te halen.',
    );
    const err = await boot({ config: loadConfig({ DATA_DIR: join(dir, 'data') }), contentDir: dir }).catch((e) => e);
    expect(err).toBeInstanceOf(ContentError);
    expect(err.message).toMatch(/themas\/x\.md: /);
    expect(err.message).toContain('veld "summary": is verplicht (min. 10 tekens)');
    expect(err.message).toContain('veld "title": is verplicht (min. 2 tekens)');
  });
});
