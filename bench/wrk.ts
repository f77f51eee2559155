// Load generation with Debian's wrk, plus the small process helpers the benchmarks share.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The path of a command on PATH, or '' when there is none. */
const commandPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();

/** Makes sure a command exists, installing its Debian package with apt-get if it does not; throws otherwise. */
export function ensureCommand(command: string, aptPackages: string[]): string {
  let path = commandPath(command);
  if (path) return path;
  console.log(`${command} is missing; installing ${aptPackages.join(' ')} with apt-get …`);
  const apt = ['apt-get', 'install', '-y', ...aptPackages];
  const [cmd, ...args] = process.getuid?.() === 0 ? apt : ['sudo', '-n', ...apt];
  const install = spawnSync(cmd as string, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  path = commandPath(command);
  if (install.status !== 0 || !path)
    throw new Error(`${command} is not installed and "apt-get install -y ${aptPackages.join(' ')}" did not work; install it and run again`);
  return path;
}

/**
 * One core for the load generator, the others for the servers, when `taskset` is there and the
 * machine has at least two cores; otherwise undefined (and nothing is pinned).
 *
 * Without it the scheduler decides, run by run, whether a server shares a core with wrk: on this
 * 2-core machine the same bare node:http server measured 55k requests/s in one run and 78k in
 * the next (44k when pinned to wrk's core, 72–77k when pinned to the other). Pinned, every server
 * gets the same core and wrk the other, so a comparison measures the servers, not the scheduler.
 */
export function cpuSplit(): { servers: string; load: string } | undefined {
  const cores = availableParallelism();
  if (cores < 2 || process.env.BENCH_PIN === '0') return undefined;
  if (!commandPath('taskset')) return undefined;
  return { servers: cores === 2 ? '0' : `0-${cores - 2}`, load: String(cores - 1) };
}

/** The command and arguments that run `command` on the given cores (or as it is, without). */
export function pinned(cpus: string | undefined, command: string, args: string[]): [string, string[]] {
  return cpus ? ['taskset', ['-c', cpus, command, ...args]] : [command, args];
}

/** Children started by a benchmark; killed when the benchmark exits, however it exits. */
const children = new Set<ChildProcess>();
let hooked = false;
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => {
        for (const c of children) c.kill('SIGTERM');
        process.exit(130);
      });
  }
  return child;
}

export interface WrkFigures {
  requestsPerSecond: number;
  requests: number;
  latencyMs: { p50: number; p90: number; p95: number; p99: number; max: number };
  /** Responses with a status of 400 or more (wrk counts these as errors). */
  badStatus: number;
  socketErrors: number;
  bytesPerResponse: number;
}

export interface WrkOptions {
  seconds: number;
  connections: number;
  threads?: number;
  headers?: Record<string, string>;
  /** Request these paths in turn (one a line) instead of the URL's own path. */
  paths?: string[];
  /** Run wrk on these cores (taskset's list syntax). */
  cpus?: string;
}

// wrk's --latency table has no p95, so the figures come from a done() hook with exact percentiles (µs).
const DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("HW-FIGURES %d %d %d %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write, e.timeout))
end
`;

const CYCLE = (file: string) => `
local paths = {}
for line in io.lines(${JSON.stringify(file)}) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format(nil, paths[i])
end
`;

/** Runs wrk and returns its figures; throws if wrk fails or reports nothing. */
export async function runWrk(url: string, opts: WrkOptions): Promise<WrkFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'hw-wrk-'));
  try {
    let script = DONE;
    if (opts.paths) {
      if (!opts.paths.length) throw new Error('runWrk: empty path list');
      writeFileSync(join(dir, 'paths.txt'), `${opts.paths.join('\n')}\n`);
      script = CYCLE(join(dir, 'paths.txt')) + DONE;
    }
    writeFileSync(join(dir, 'script.lua'), script);
    const args = [`-t${opts.threads ?? 1}`, `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency', '-s', join(dir, 'script.lua')];
    for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}: ${v}`);
    args.push(url);
    const child = track(spawn(...pinned(opts.cpus, 'wrk', args), { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    const m = /HW-FIGURES ((?:\d+ ?){11})/.exec(out);
    if (code !== 0 || !m?.[1]) throw new Error(`wrk failed (exit ${code}): ${err || out}`);
    const [requests, durationUs, bytes, p50, p90, p95, p99, max, status, socket, timeout] = m[1].trim().split(' ').map(Number) as number[];
    const ms = (us: number | undefined) => Math.round((us ?? 0) / 10) / 100;
    return {
      requestsPerSecond: Math.round(((requests ?? 0) / (durationUs ?? 1)) * 1e6),
      requests: requests ?? 0,
      latencyMs: { p50: ms(p50), p90: ms(p90), p95: ms(p95), p99: ms(p99), max: ms(max) },
      badStatus: status ?? 0,
      socketErrors: (socket ?? 0) + (timeout ?? 0),
      bytesPerResponse: Math.round((bytes ?? 0) / Math.max(1, requests ?? 0)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function wrkVersion(): string {
  return (spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '').split(' [')[0] ?? 'wrk';
}

export function nginxVersion(): string {
  // nginx -v writes to stderr.
  return spawnSync('nginx', ['-v'], { encoding: 'utf8' })
    .stderr.trim()
    .replace(/^nginx version: /, '');
}
