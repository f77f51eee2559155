// Shared writer for every benchmark: merges one benchmark's figures into bench/results.json and
// regenerates bench/RESULTS.md from it. Each benchmark keeps its own date and machine, because
// they are run one at a time (and sometimes alone).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = dirname(fileURLToPath(import.meta.url));
const JSON_FILE = process.env.BENCH_RESULTS_DIR ? join(process.env.BENCH_RESULTS_DIR, 'results.json') : join(DIR, 'results.json');
const MD_FILE = join(dirname(JSON_FILE), 'RESULTS.md');

/** Sections in RESULTS.md come in this order; benchmarks not listed follow alphabetically. */
const ORDER = ['weight', 'pages', 'lighthouse', 'search', 'signup'];

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
}

/** A Markdown table: column names and rows of cells. */
export interface Table {
  columns: string[];
  rows: (string | number | boolean | null | undefined)[][];
}

export interface BenchResult {
  date: string;
  machine: Machine;
  /** The benchmark's own figures, as it printed them in its JSON line. */
  figures: unknown;
  /** What RESULTS.md shows for it: a table, or Markdown text. */
  markdown: string;
}

export interface Results {
  benchmarks: Record<string, BenchResult>;
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${process.platform} ${release()}`,
  };
}

const cell = (v: unknown) => (v === null || v === undefined ? '–' : String(v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' '));

export function markdownTable(table: Table): string {
  const lines = [`| ${table.columns.map(cell).join(' | ')} |`, `| ${table.columns.map(() => '---').join(' | ')} |`];
  for (const row of table.rows) lines.push(`| ${table.columns.map((_, i) => cell(row[i])).join(' | ')} |`);
  return lines.join('\n');
}

export function readResults(file = JSON_FILE): Results {
  if (!existsSync(file)) return { benchmarks: {} };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Results>;
  return { benchmarks: parsed.benchmarks ?? {} };
}

function ordered(names: string[]): string[] {
  const known = ORDER.filter((n) => names.includes(n));
  return [...known, ...names.filter((n) => !ORDER.includes(n)).sort()];
}

export function renderMarkdown(results: Results): string {
  const out = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (or one `npm run bench:<name>`) through `bench/report.ts`; the figures are in `bench/results.json`.',
    'Each benchmark shows when and on which machine it last ran. Absolute figures depend on the machine and on what else runs on it.',
    '',
  ];
  for (const name of ordered(Object.keys(results.benchmarks))) {
    const r = results.benchmarks[name] as BenchResult;
    const m = r.machine;
    out.push(`## ${name}`, '', `${r.date} · ${m.cores} × ${m.cpu} · ${m.memoryGiB} GiB · node ${m.node} · ${m.os}`, '', r.markdown.trim(), '');
  }
  return out.join('\n');
}

/**
 * Stores one benchmark's figures (replacing its previous run) and rewrites RESULTS.md.
 * `markdown` is what RESULTS.md shows for it: a table, or Markdown text (for example a table and a note).
 */
export async function recordResults(name: string, figures: unknown, markdown: Table | string): Promise<void> {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`benchmark name must be lower-case letters, digits and dashes: ${name}`);
  const results = readResults();
  results.benchmarks[name] = {
    date: new Date().toISOString(),
    machine: machine(),
    figures,
    markdown: typeof markdown === 'string' ? markdown : markdownTable(markdown),
  };
  const sorted: Results = { benchmarks: Object.fromEntries(ordered(Object.keys(results.benchmarks)).map((n) => [n, results.benchmarks[n] as BenchResult])) };
  // Write-then-rename, so an interrupted run never leaves half a file behind.
  writeFileSync(`${JSON_FILE}.tmp`, `${JSON.stringify(sorted, null, 2)}\n`);
  renameSync(`${JSON_FILE}.tmp`, JSON_FILE);
  writeFileSync(`${MD_FILE}.tmp`, renderMarkdown(sorted));
  renameSync(`${MD_FILE}.tmp`, MD_FILE);
}
