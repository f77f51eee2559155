import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentError, readContent } from './loader.ts';
import { renderMarkdown } from './markdown.ts';
import { normaliseUrl } from './url.ts';

const REQUIRED = ['hechting', 'kansrijke-start', 'kindermishandeling', 'complexe-echtscheidingen'];

describe('content/', () => {
  const bundle = readContent('content');

  it('has the required themes, each at least 400 words in sections with headings', () => {
    const slugs = bundle.themes.map((t) => t.slug);
    for (const slug of REQUIRED) expect(slugs).toContain(slug);
    for (const t of bundle.themes) {
      const words = renderMarkdown(t.body).text.split(/\s+/).filter(Boolean).length;
      expect(words, t.slug).toBeGreaterThanOrEqual(400);
      expect(renderMarkdown(t.body).toc.length, t.slug).toBeGreaterThanOrEqual(3);
      expect(t.sources.length, t.slug).toBeGreaterThanOrEqual(2);
      expect(t.summary.length).toBeGreaterThan(20);
    }
  });

  it('has the privacy, accessibility, about and registration pages', () => {
    expect(bundle.pages.map((p) => p.slug).sort()).toEqual(['aanmelden', 'over', 'privacy', 'toegankelijkheid']);
  });

  it('normalises source URLs to https, so the seed’s duplicate is one source', () => {
    const all = bundle.themes.flatMap((t) => t.sources.map((s) => s.url));
    for (const url of all) expect(url).toMatch(/^https:\/\//);
    const hechting = bundle.themes.find((t) => t.slug === 'hechting');
    const richtlijn = hechting?.sources.filter((s) => s.url.includes('richtlijnenjeugdhulp.nl/problematische-gehechtheid'));
    expect(richtlijn?.length ?? 0).toBeLessThanOrEqual(1);
  });
});

describe('source URL normalisation', () => {
  it.each([
    ['http://richtlijnenjeugdhulp.nl/problematische-gehechtheid/', 'https://richtlijnenjeugdhulp.nl/problematische-gehechtheid/'],
    ['http://richtlijnenjeugdhulp.nl/problematische-gehechtheid', 'https://richtlijnenjeugdhulp.nl/problematische-gehechtheid/'],
    ['https://WWW.NCJ.nl/themadossiers/hechting/#top', 'https://www.ncj.nl/themadossiers/hechting/'],
    ['https://www.nji.nl/x?utm_source=nb&utm_medium=mail&id=3', 'https://www.nji.nl/x/?id=3'],
    ['https://example.org:443/rapport.pdf?fbclid=abc', 'https://example.org/rapport.pdf'],
    ['  https://example.org  ', 'https://example.org/'],
    ['http://example.org:80/a', 'https://example.org/a/'],
    ['https://example.org:8443/a', 'https://example.org:8443/a/'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseUrl(input)).toBe(expected);
  });

  it('refuses what is not a web address', () => {
    for (const bad of ['javascript:alert(1)', 'ftp://x.nl/', 'geen url', 'mailto:a@b.nl']) expect(() => normaliseUrl(bad)).toThrow();
  });
});

describe('Markdown rendering', () => {
  it('never passes raw HTML through', () => {
    const r = renderMarkdown('## Kop\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[klik](javascript:alert(1))');
    expect(r.html).not.toContain('<script>');
    expect(r.html).not.toContain('<img');
    expect(r.html).not.toContain('href="javascript:');
    expect(r.html).toContain('&lt;script&gt;');
  });

  it('gives headings unique ids and lists h2 in the table of contents', () => {
    const r = renderMarkdown('## Wat is het?\n\ntekst\n\n### Detail\n\n## Wat is het?\n\nmeer');
    expect(r.toc).toEqual([
      { id: 'wat-is-het', text: 'Wat is het?' },
      { id: 'wat-is-het-2', text: 'Wat is het?' },
    ]);
    expect(r.html).toContain('<h2 id="wat-is-het">');
    expect(r.html).toContain('<h3 id="detail">');
  });
});

describe('invalid content stops start-up naming file and field', () => {
  const theme = readFileSync('content/themas/hechting.md', 'utf8');
  function dirWith(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'hw-content-'));
    mkdirSync(join(dir, 'themas'));
    mkdirSync(join(dir, 'paginas'));
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    return dir;
  }
  const expectError = (files: Record<string, string>, ...parts: string[]) => {
    const dir = dirWith(files);
    let error: unknown;
    try {
      readContent(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ContentError);
    for (const part of parts) expect((error as Error).message).toContain(part);
  };

  it('a missing title', () => expectError({ 'themas/hechting.md': theme.replace(/^title: .*$/m, '') }, 'hechting.md', 'veld "title"'));
  it('a bad date', () => expectError({ 'themas/hechting.md': theme.replace(/^reviewed: .*$/m, 'reviewed: gisteren') }, 'hechting.md', 'veld "reviewed"'));
  it('a bad source URL', () =>
    expectError(
      { 'themas/hechting.md': theme.replace(/url: https:\/\/www\.ncj\.nl\/themadossiers\/hechting\//, 'url: ftp://nergens') },
      'veld "sources.',
      '.url"',
    ));
  it('an unknown related theme', () => expectError({ 'themas/hechting.md': theme }, 'hechting.md', 'veld "related.0"', 'bestaat niet'));
  it('an unknown field', () => expectError({ 'themas/hechting.md': theme.replace(/^slug:/m, 'auteur: iemand\nslug:') }, 'hechting.md', 'auteur'));
  it('no front-matter', () => expectError({ 'themas/x.md': 'Alleen tekst' }, 'x.md', 'front-matter ontbreekt'));
  it('broken YAML', () => expectError({ 'themas/x.md': '---\ntitle: [open\n---\n' }, 'x.md', 'geen geldige YAML'));
  it('a slug that is not the file name', () =>
    expectError({ 'themas/anders.md': theme.replace(/^related: .*$/m, 'related: []') }, 'anders.md', 'veld "slug"', 'bestandsnaam'));
  it('an H1 in the body', () =>
    expectError({ 'themas/hechting.md': theme.replace(/^related: .*$/m, 'related: []').replace(/\n## /, '\n# Dubbele titel\n\n## ') }, 'tekst:', 'niveau 1'));
});
