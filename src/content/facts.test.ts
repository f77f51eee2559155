/**
 * Every figure in content/ shows where it comes from or which year it is about.
 *
 * The rule, kept simple on purpose:
 * - A unit is one sentence of running text, one list item, one key fact, the summary, a training
 *   text or a source description. A list item is read together with the sentence that introduces
 *   the list ("Het NJi zette de cijfers over 2017 op een rij:"), because together they are one
 *   sentence. YAML files: every string value except addresses, phone numbers, e-mail addresses,
 *   web addresses, times, places, versions and identifiers.
 * - A figure is: a percentage ("36%", "1,7 procent"), a number with a thousands separator
 *   ("43.000"), a number followed by duizend/miljoen/miljard, an amount in euros, or a whole number
 *   of 10 or more.
 * - Not a figure: years (1900–2099), numbers glued to letters or a hyphen (DSM-5, NPM-2017,
 *   BWBR0034925), parts of dotted or timed numbers (artikel 1.1, WCAG 2.1, 09:30), phone numbers
 *   (0800-2000, 112), whole numbers below 10, list numbering, and numbers followed by a unit of
 *   time or age (jaar, maanden, weken, dagen, uur, minuten, werkdagen) or a month name (a date).
 * - A unit with a figure must also contain a year (19xx/20xx, also inside NPM-2017) or a source:
 *   a parenthesis with a capitalised word in it ("(Augeo)", "(NJi, cijfers uit NPM-2017)"), or the
 *   words "volgens" or "bron".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readContent } from './loader.ts';

const MONTHS = 'januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december';
const UNITS = `jaar|jaren|jarigen|jarige|maand|maanden|week|weken|dag|dagen|werkdag|werkdagen|uur|uren|minuut|minuten|seconden|levensjaar|${MONTHS}`;

const PHONE = /\b0\d{2,3}[- ]\d{2,4}(?:[- ]?\d{2,4})*\b|\b112\b/g;
const PERCENT = /\d+(?:,\d+)?\s?(?:%|procent\b)/i;
const THOUSANDS = /(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d.])/;
const MAGNITUDE = /\b\d+(?:,\d+)?\s(?:duizend|miljoen|miljard)\b/i;
const EUROS = /€\s?\d/;
// A whole number of two or more digits, standing on its own.
const WHOLE = new RegExp(`(?<![\\p{L}\\d.,:/–-])(\\d{2,})(?![\\p{L}\\d]|[.,:]\\d)(?!\\s+(?:${UNITS})\\b)`, 'gu');
const YEAR = /(?<!\d)(?:19|20)\d{2}(?!\d)/;
const SOURCE = /\([^)]*\p{Lu}[^)]*\)|\bvolgens\b|\bbron\b/iu;

/** The first figure in a unit, or null. */
function figureIn(unit: string): string | null {
  const text = unit.replace(PHONE, ' ');
  for (const re of [PERCENT, THOUSANDS, MAGNITUDE, EUROS]) {
    const m = re.exec(text);
    if (m) return m[0];
  }
  for (const m of text.matchAll(WHOLE)) {
    const n = Number(m[1]);
    if (n >= 1900 && n <= 2099) continue; // a year
    return m[1] as string;
  }
  return null;
}

/** A unit is fine when it has no figure, or a figure together with a year or a source. */
function unsourcedFigure(unit: string): string | null {
  const figure = figureIn(unit);
  if (!figure) return null;
  return YEAR.test(unit) || SOURCE.test(unit) ? null : figure;
}

const plain = (md: string) =>
  md
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** Sentences: a split after . ! ? when a capital, quote or parenthesis follows. */
const sentences = (text: string) =>
  plain(text)
    .split(/(?<=[.!?])\s+(?=[\p{Lu}"“‘(])/u)
    .filter(Boolean);

const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;

/** Markdown into units: sentences of paragraphs and headings; list items with their lead-in. */
function unitsOf(md: string): string[] {
  const units: string[] = [];
  let leadIn = '';
  for (const block of md.split(/\n\s*\n/)) {
    const lines = block.split('\n').map((l) => l.replace(/^\s*>\s?/, '').replace(/^#+\s*/, ''));
    if (lines.some((l) => LIST_ITEM.test(l))) {
      // Continuation lines belong to the item above them.
      const items: string[] = [];
      for (const l of lines) {
        if (LIST_ITEM.test(l) || !items.length) items.push(l.replace(LIST_ITEM, ''));
        else items[items.length - 1] += ` ${l.trim()}`;
      }
      for (const item of items) units.push(plain(`${leadIn} ${item}`));
      continue;
    }
    const s = sentences(lines.join(' '));
    units.push(...s);
    leadIn = s.at(-1) ?? '';
  }
  return units.filter((u) => u.length > 0);
}

const NOT_PROSE = new Set(['address', 'phone', 'email', 'website', 'url', 'start', 'end', 'location', 'version', 'id', 'slug', 'value', 'type']);

/** Every prose string of a YAML document, with where it was found. */
function yamlStrings(value: unknown, path: string, out: { where: string; text: string }[]) {
  if (typeof value === 'string') out.push({ where: path, text: value });
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yamlStrings(v, `${path}[${i}]`, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) if (!NOT_PROSE.has(k)) yamlStrings(v, path ? `${path}.${k}` : k, out);
  return out;
}

interface Finding {
  where: string;
  unit: string;
  figure: string;
}

/** Every unit in content/ that has a figure without a year or source. */
function findingsIn(root: string): Finding[] {
  const findings: Finding[] = [];
  const check = (where: string, units: string[]) => {
    for (const unit of units) {
      const figure = unsourcedFigure(unit);
      if (figure) findings.push({ where, unit, figure });
    }
  };
  const bundle = readContent(root);
  for (const t of bundle.themes) {
    check(`${t.file} summary`, sentences(t.summary));
    for (const [i, f] of t.keyFacts.entries()) check(`${t.file} keyFacts[${i}]`, [plain(f)]);
    if (t.training) check(`${t.file} training.text`, sentences(t.training.text));
    for (const [i, s] of t.sources.entries()) check(`${t.file} sources[${i}].description`, sentences(s.description));
    check(`${t.file} body`, unitsOf(t.body));
  }
  for (const p of bundle.pages) {
    check(`${p.file} summary`, sentences(p.summary));
    check(`${p.file} body`, unitsOf(p.body));
  }
  for (const f of readdirSync(root).filter((n) => n.endsWith('.yaml'))) {
    const doc = parseYaml(readFileSync(join(root, f), 'utf8'));
    for (const { where, text } of yamlStrings(doc, '', [])) check(`${root}/${f} ${where}`, unitsOf(text));
  }
  return findings;
}

describe('figures in content/ carry a year or a source', () => {
  it('finds a bare figure: a count, a percentage, a thousands number, an amount', () => {
    for (const bare of [
      'Elk jaar maken bijna 50.000 kinderen een scheiding mee.',
      'Ongeveer 15% van de kinderen is gedesorganiseerd gehecht.',
      'Bij ongeveer 20 procent houden de problemen langer aan.',
      'Er doen 160 gemeenten mee.',
      'Het programma kost 3 miljoen euro.',
      'Een training kost € 45.',
    ])
      expect(unsourcedFigure(bare), bare).not.toBeNull();
  });

  it('accepts the same figure with a year or a source in the same sentence', () => {
    for (const ok of [
      'In 2023 maakten bijna 43.000 minderjarigen een scheiding mee.',
      'Ongeveer 15% van de kinderen is gedesorganiseerd gehecht (Van IJzendoorn e.a., 1999).',
      'Bij ongeveer 20 procent houden de problemen langer aan (Augeo).',
      'Volgens het CBS gaat het om 1,7 procent van alle minderjarigen.',
      'In de NPM-2017 ging het om 26 tot 37 per 1000 kinderen.',
    ])
      expect(unsourcedFigure(ok), ok).toBeNull();
  });

  it('does not count years, dates, phone numbers, article numbers, ages, durations or small numbers as figures', () => {
    for (const none of [
      'Bel Veilig Thuis op 0800-2000 of bij acuut gevaar 112.',
      'De Jeugdwet, artikel 1.1, en de DSM-5 en WCAG 2.1.',
      'Kinderen van 0 tot en met 17 jaar, vanaf 9 maanden, tot 18 jaar.',
      'De eerste 1000 dagen van een kind.',
      'Op 15 november is de bijeenkomst, van 09:30 tot 12:30.',
      'We reageren binnen 5 werkdagen.',
      'De vijf stappen van de Meldcode sinds 2019.',
      'Inloggen blijft 12 uur geldig.',
    ])
      expect(figureIn(none), none).toBeNull();
  });

  it('reads a list item together with the sentence that introduces the list, and list numbering is no figure', () => {
    const md =
      'Het NJi zette de cijfers over 2017 op een rij:\n\n- emotionele verwaarlozing: 36 procent;\n- overige vormen: 7 procent.\n\nDaarna:\n\n1. Bel.\n2. Schrijf op.';
    expect(unitsOf(md).map(unsourcedFigure)).toEqual([null, null, null, null, null, null]);
    expect(unitsOf('Zo vaak komt het voor:\n\n- emotionele verwaarlozing: 36 procent;').map(unsourcedFigure)).toEqual([null, '36 procent']);
  });

  it('passes on everything in content/ (themes, pages and the YAML files)', () => {
    const findings = findingsIn('content');
    expect(findings.map((f) => `${f.where}: "${f.figure}" in: ${f.unit}`)).toEqual([]);
  });
});

describe('the corrections of 2026-12 stay made', () => {
  const bundle = readContent('content');
  const theme = (slug: string) => bundle.themes.find((t) => t.slug === slug) as NonNullable<(typeof bundle.themes)[number]>;
  const all = bundle.themes
    .map((t) => `${t.summary}\n${t.keyFacts.join('\n')}\n${t.body}\n${t.sources.map((s) => `${s.title} ${s.url} ${s.description}`).join('\n')}`)
    .join('\n');

  it('quotes the Jeugdwet definition (art. 1.1, BWBR0034925) word for word, as a quotation', () => {
    const official =
      'elke vorm van voor een minderjarige bedreigende of gewelddadige interactie van fysieke, psychische of seksuele aard, die de ouders of andere personen ten opzichte van wie de minderjarige in een relatie van afhankelijkheid of van onvrijheid staat, actief of passief opdringen, waardoor ernstige schade wordt berokkend of dreigt te worden berokkend aan de minderjarige in de vorm van fysiek of psychisch letsel';
    const quote = theme('kindermishandeling')
      .body.split('\n')
      .filter((l) => l.startsWith('>'))
      .map((l) => l.replace(/^>\s?/, ''))
      .join(' ')
      .replace(/\s+/g, ' ');
    expect(quote).toContain(official);
    expect(quote).toContain('Jeugdwet, artikel 1.1');
  });

  it('has none of the old errors', () => {
    for (const wrong of [
      'samenststarten',
      'Samen Starten',
      'bijna 50.000',
      'laat zich ook moeilijk troosten',
      'rapport *Scheiden zonder schade*',
      'december 2019',
      'Attachment disorganization in maltreated children',
    ])
      expect(all, wrong).not.toContain(wrong);
    expect(all).toContain('https://www.ncj.nl/samenstarten/');
    expect(all).toContain('https://www.nji.nl/cijfers/kindermishandeling');
    expect(all).not.toContain('https://www.nji.nl/cijfers/nationale-prevalentiestudie-mishandeling-npm');
  });

  it('says wherever the signals list is explained that it is our own, unvalidated list and not the LSVG', () => {
    for (const slug of ['hechting', 'hechting-en-hechtingsproblemen', 'kindermishandeling'])
      expect(theme(slug).body, slug).toMatch(/niet gevalideerd[\s\S]*LSVG|LSVG[\s\S]*niet gevalideerd/);
  });
});
