// Search quality (issue #22): the judged queries of bench/search-judgements.yaml asked through the app's own search(),
// on the demo content plus the 10,000 generated documents: nDCG@10 and the share of queries without any result.
// bench:search reports these next to its latencies; run directly, this fills a fresh embedded PostgreSQL server:
//
//   node --import tsx bench/search-quality.ts            (BENCH_JUDGEMENTS=path for another file)

import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inArray, sql } from 'drizzle-orm';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { loadStartData } from '../src/boot.ts';
import { type Database, openEmbedded, type Queryable } from '../src/db/client.ts';
import { searchDocuments } from '../src/db/schema.ts';
import { MAX_QUERY, PAGE_SIZE, search, searchCategory, searchQuery } from '../src/search/service.ts';
import { documents } from './search-data.ts';

export const JUDGEMENTS_FILE = fileURLToPath(new URL('./search-judgements.yaml', import.meta.url));
export const CONTENT_DIR = fileURLToPath(new URL('../content', import.meta.url));
export const QUALITY_DOCUMENTS = 10_000;
/** Targets of issue #22. */
export const TARGET_NDCG = 0.8;
export const TARGET_ZERO_SHARE = 0;

/** A judged document: a URL alone gets its grade from its place in the list (3, 2, then 1), or an explicit grade. */
const judged = z.union([z.string().min(1), z.strictObject({ url: z.string().min(1), grade: z.number().int().min(1).max(3) })]);
const judgementsSchema = z
  .array(
    z.strictObject({
      q: z.string().trim().min(1).max(MAX_QUERY),
      relevant: z.array(judged).min(1),
      note: z.string().optional(),
    }),
  )
  .min(1)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((j, i) => {
      const key = j.q.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'q'], message: `dubbele zoekvraag "${j.q}"` });
      seen.add(key);
      const urls = j.relevant.map((r) => (typeof r === 'string' ? r : r.url));
      if (new Set(urls).size !== urls.length) ctx.addIssue({ code: 'custom', path: [i, 'relevant'], message: `dubbele URL bij "${j.q}"` });
    });
  });

export interface Judgement {
  q: string;
  /** Most relevant first; grade 3 (what should come first) to 1 (fine to find). */
  relevant: { url: string; grade: number }[];
  note?: string;
}

const gradeAt = (i: number) => Math.max(1, 3 - i);

/** Reads and checks the judged queries; a malformed file stops the run with every problem named. */
export function loadJudgements(path = JUDGEMENTS_FILE): Judgement[] {
  const parsed = judgementsSchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(geheel)'}: ${i.message}`).join('; ')}`);
  return parsed.data.map((j) => ({
    q: j.q,
    relevant: j.relevant.map((r, i) => (typeof r === 'string' ? { url: r, grade: gradeAt(i) } : r)),
    ...(j.note ? { note: j.note } : {}),
  }));
}

/**
 * Normalised discounted cumulative gain of a ranking at k: gain 2^grade − 1 (grade 0 for a URL not judged), discount
 * log2(rank + 1), divided by the DCG of the judged grades in their ideal order. 0 when nothing judged is found.
 */
export function ndcgAt(k: number, ranked: readonly string[], relevant: readonly { url: string; grade: number }[]): number {
  const grades = new Map(relevant.map((r) => [r.url, r.grade]));
  const dcg = (gs: number[]) => gs.slice(0, k).reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
  const ideal = dcg(relevant.map((r) => r.grade).sort((a, b) => b - a));
  return ideal > 0 ? dcg(ranked.map((url) => grades.get(url) ?? 0)) / ideal : 0;
}

export interface QualityFigures {
  queries: number;
  ndcgAt10: number;
  /** Share of the judged queries (each has a relevant document) that found nothing at all. */
  zeroResultShare: number;
  perQuery: { q: string; ndcg: number; zero: boolean; top: string[] }[];
}

/** Every judged URL must be a search document of this database: a judgement of a document that is not there measures nothing. */
export async function assertJudgedDocuments(db: Queryable, judgements: Judgement[]): Promise<void> {
  const urls = [...new Set(judgements.flatMap((j) => j.relevant.map((r) => r.url)))];
  const found = new Set(
    (await db.selectDistinct({ url: searchDocuments.url }).from(searchDocuments).where(inArray(searchDocuments.url, urls))).map((r) => r.url),
  );
  const missing = judgements.flatMap((j) => j.relevant.filter((r) => !found.has(r.url)).map((r) => `"${j.q}": ${r.url}`));
  if (missing.length) throw new Error(`judged URLs that are not search documents (${missing.length}):\n  ${missing.join('\n  ')}`);
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Asks every judged query through search(), first page, as a reader would (the form's defaults, as /zoeken parses them). */
export async function measureQuality(db: Queryable, judgements: Judgement[]): Promise<QualityFigures> {
  await assertJudgedDocuments(db, judgements);
  const perQuery: QualityFigures['perQuery'] = [];
  for (const j of judgements) {
    const outcome = await search(db, searchQuery.parse({ q: j.q, p: 1 }));
    const top = outcome.state === 'results' ? outcome.hits.slice(0, PAGE_SIZE).map((h) => h.url) : [];
    perQuery.push({ q: j.q, ndcg: round(ndcgAt(10, top, j.relevant)), zero: top.length === 0, top });
  }
  const n = perQuery.length;
  return {
    queries: n,
    ndcgAt10: round(perQuery.reduce((s, p) => s + p.ndcg, 0) / n),
    zeroResultShare: round(perQuery.filter((p) => p.zero).length / n),
    perQuery,
  };
}

/** The demo content, trainings and organisations, through the loaders `boot` uses on a first start. */
export async function loadDemoContent(database: Database, contentDir = CONTENT_DIR, now = new Date()): Promise<void> {
  await database.migrate(() => loadStartData(database.db, { contentDir, now }));
}

/**
 * The generated documents the judgements name (`/bench/<kind>/<i>`): generated first in a process, as this script and
 * bench:search do, so they are the same every run (search-data.ts draws everything from one seeded sequence).
 */
export async function insertDocuments(database: Database, docs: ReturnType<typeof documents>): Promise<void> {
  // With the category the app's own writer gives every document of its kind (upsertSearchDocument).
  const rows = docs.map((d) => ({ ...d, category: searchCategory(d.kind) }));
  for (let i = 0; i < rows.length; i += 500) await database.db.insert(searchDocuments).values(rows.slice(i, i + 500));
  await database.db.execute(sql`vacuum analyze search_documents`);
  await database.db.execute(sql`vacuum analyze search_passages`);
  // The vocabulary the triggers wrote: the spelling correction reads it.
  await database.db.execute(sql`vacuum analyze search_words`);
}

/** One line per query: its nDCG@10, whether it found nothing, and what came first. */
export function describeQuery(p: QualityFigures['perQuery'][number]): string {
  return `${p.ndcg.toFixed(3)}${p.zero ? ' (no results)' : ''}  ${JSON.stringify(p.q)}  → ${p.top.slice(0, 3).join(' ') || '-'}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const judgements = loadJudgements(process.env.BENCH_JUDGEMENTS ?? JUDGEMENTS_FILE);
  const docs = documents(QUALITY_DOCUMENTS);
  // Readable parent: run as root, the embedded server runs as the postgres user.
  const parent = mkdtempSync(join(tmpdir(), 'hw-quality-'));
  chmodSync(parent, 0o755);
  const database = await openEmbedded(join(parent, 'data'));
  try {
    await loadDemoContent(database);
    await insertDocuments(database, docs);
    const figures = await measureQuality(database.db, judgements);
    const worst = [...figures.perQuery].sort((a, b) => a.ndcg - b.ndcg).slice(0, 10);
    console.log('worst 10 queries (nDCG@10, query, first URLs):');
    for (const p of worst) console.log(`  ${describeQuery(p)}`);
    console.log(
      JSON.stringify({
        documents: QUALITY_DOCUMENTS,
        queries: figures.queries,
        ndcgAt10: figures.ndcgAt10,
        zeroResultShare: figures.zeroResultShare,
        targetMet: figures.ndcgAt10 >= TARGET_NDCG && figures.zeroResultShare <= TARGET_ZERO_SHARE,
      }),
    );
  } finally {
    await database.close();
    rmSync(parent, { recursive: true, force: true });
  }
}
