import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { markdownBody, type PageFrontMatter, pageFrontMatter, type ThemeFrontMatter, themeFrontMatter } from './schema.ts';

export class ContentError extends Error {}

export interface ThemeFile extends ThemeFrontMatter {
  file: string;
  body: string;
}
export interface PageFile extends PageFrontMatter {
  file: string;
  body: string;
}
export interface ContentBundle {
  themes: ThemeFile[];
  pages: PageFile[];
}

export function splitFrontMatter(file: string, raw: string): { data: unknown; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(raw.replace(/^\uFEFF/, ''));
  if (!match) throw new ContentError(`${file}: front-matter ontbreekt (het bestand moet beginnen met ---)`);
  try {
    return { data: parseYaml(match[1] ?? ''), body: (match[2] ?? '').trim() };
  } catch (err) {
    throw new ContentError(`${file}: front-matter is geen geldige YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

function parseFile<S extends z.ZodType>(file: string, raw: string, schema: S): z.infer<S> & { body: string; file: string } {
  const { data, body } = splitFrontMatter(file, raw);
  const fm = schema.safeParse(data);
  const problems: string[] = [];
  if (!fm.success) {
    for (const issue of fm.error.issues) problems.push(`veld "${issue.path.join('.') || '(geheel)'}": ${issue.message}`);
  }
  const b = markdownBody.safeParse(body);
  if (!b.success) for (const issue of b.error.issues) problems.push(`tekst: ${issue.message}`);
  if (problems.length || !fm.success) throw new ContentError(`${file}: ${problems.join('; ')}`);
  return Object.assign({}, fm.data as z.infer<S>, { body, file });
}

function markdownFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** Reads and validates all of content/. Throws ContentError naming the file and field. */
export function readContent(root: string): ContentBundle {
  const themes = markdownFiles(join(root, 'themas')).map((path) => {
    const file = relative(process.cwd(), path) || path;
    const theme = parseFile(file, readFileSync(path, 'utf8'), themeFrontMatter);
    if (theme.slug !== basename(path, '.md')) throw new ContentError(`${file}: veld "slug": moet gelijk zijn aan de bestandsnaam`);
    return theme;
  });
  const pages = markdownFiles(join(root, 'paginas')).map((path) => {
    const file = relative(process.cwd(), path) || path;
    return parseFile(file, readFileSync(path, 'utf8'), pageFrontMatter);
  });
  validateBundle({ themes, pages });
  return { themes, pages };
}

export function validateBundle(bundle: ContentBundle): void {
  const slugs = new Set<string>();
  for (const t of bundle.themes) {
    if (slugs.has(t.slug)) throw new ContentError(`${t.file}: veld "slug": "${t.slug}" komt twee keer voor`);
    slugs.add(t.slug);
  }
  for (const t of bundle.themes) {
    t.related.forEach((r, i) => {
      if (!slugs.has(r)) throw new ContentError(`${t.file}: veld "related.${i}": thema "${r}" bestaat niet`);
      if (r === t.slug) throw new ContentError(`${t.file}: veld "related.${i}": een thema kan niet aan zichzelf verwant zijn`);
    });
  }
}
