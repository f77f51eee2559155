import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/helpers.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { readContent } from '../content/loader.ts';
import { fillPage, NOT_SET, pageValues, placeholdersIn, remindersSentence } from './page-values.ts';

const pages = readContent('content').pages;
const pageOf = (slug: string) => {
  const p = pages.find((x) => x.slug === slug);
  if (!p) throw new Error(`no page ${slug}`);
  return { summary: p.summary, bodyMd: p.body, reviewed: p.reviewed };
};

describe('placeholders in content/paginas', () => {
  it('uses only placeholders the renderer knows, and a filled page has none left', () => {
    const known = Object.keys(pageValues(loadConfig({}), { reviewed: '2026-12-04' }));
    for (const p of pages) {
      for (const name of placeholdersIn(`${p.summary}\n${p.body}`)) expect(known, `${p.file}: {{${name}}}`).toContain(name);
      const filled = fillPage({ summary: p.summary, bodyMd: p.body, reviewed: p.reviewed }, loadConfig({}));
      expect(`${filled.summary}${filled.bodyMd}`, p.file).not.toMatch(/\{\{/);
    }
  });

  it('fills the configured values; an unset data-protection officer reads "nog in te vullen"; typed markup shows as text', () => {
    const privacy = pageOf('privacy');
    const byDefault = fillPage(privacy, loadConfig({}));
    expect(byDefault.bodyMd).toContain('tot 12 maanden na de bijeenkomst');
    expect(byDefault.bodyMd).toContain(`Je bereikt de FG via: ${NOT_SET}.`);
    expect(byDefault.summary).toContain('12 maanden na de bijeenkomst');
    const custom = fillPage(privacy, loadConfig({ RETENTION_MONTHS: '18', PRIVACY_OFFICER: 'F. de Vries, fg@regio.example [x](javascript:alert(1))' }));
    expect(custom.bodyMd).toContain('tot 18 maanden na de bijeenkomst');
    expect(custom.bodyMd).toContain('F. de Vries, fg@regio.example \\[x\\](javascript:alert(1))');
  });

  it('says when the reminders go out as configured, or that none do', () => {
    const aanmelden = pageOf('aanmelden');
    expect(fillPage(aanmelden, loadConfig({})).bodyMd).toContain('We sturen je herinneringen per mail: 7 dagen en 1 dag voor de bijeenkomst.');
    expect(fillPage(aanmelden, loadConfig({ REMINDER_DAYS: '14,2,7' })).bodyMd).toContain(
      'We sturen je herinneringen per mail: 14 dagen, 7 dagen en 2 dagen voor de bijeenkomst.',
    );
    expect(fillPage(aanmelden, loadConfig({ REMINDER_DAYS: '1' })).bodyMd).toContain('We sturen je 1 dag voor de bijeenkomst een herinnering per mail.');
    // "0" is no reminder (the scheduler skips it): the page does not promise one.
    expect(remindersSentence(loadConfig({ REMINDER_DAYS: '0' }).REMINDER_DAYS)).toBe('We sturen geen herinnering: zet de bijeenkomst dus zelf in je agenda.');
    expect(fillPage(aanmelden, loadConfig({})).bodyMd).toContain('hoogstens 30 minuten voor je vast');
    expect(fillPage(aanmelden, loadConfig({ OFFER_HOURS: '24' })).bodyMd).toContain(
      'Die plek houden we 24 uur voor je vast, maar niet langer dan tot het begin van de bijeenkomst.',
    );
  });

  it('refuses a data-protection officer contact that is too short or too long', () => {
    expect(() => loadConfig({ PRIVACY_OFFICER: 'x' })).toThrow(ConfigError);
    expect(() => loadConfig({ PRIVACY_OFFICER: 'x'.repeat(201) })).toThrow(ConfigError);
    expect(loadConfig({ PRIVACY_OFFICER: '  fg@regio.example  ' }).PRIVACY_OFFICER).toBe('fg@regio.example');
  });
});

describe('privacy and accessibility statements over HTTP', () => {
  let standard: Awaited<ReturnType<typeof createTestApp>>;
  let configured: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    standard = await createTestApp('pglite');
    configured = await createTestApp('pglite', {
      env: {
        RETENTION_MONTHS: '18',
        OUTBOX_RETENTION_MONTHS: '6',
        HOLD_MINUTES: '45',
        OFFER_HOURS: '72',
        REGISTRATION_LIMIT: '40',
        PRIVACY_OFFICER: 'Mr. F. de Vries, fg@regio.example',
      },
    });
  });
  afterAll(async () => {
    await standard?.close();
    await configured?.close();
  });
  const html = async (t: Awaited<ReturnType<typeof createTestApp>>, path: string) => {
    const res = await t.app.request(path);
    expect(res.status).toBe(200);
    return res.text();
  };

  it('gives per processing the AVG ground and the retention as configured (defaults)', async () => {
    const page = await html(standard, '/privacy');
    for (const heading of [
      'Aanmelden voor een training',
      'E-mail over je aanmelding',
      'Accounts van redacteuren en beheerders',
      'Logboeken van de server',
      'Bescherming tegen misbruik',
    ])
      expect(page).toContain(`>${heading}</h3>`);
    expect(page.match(/artikel 6, lid 1, onder [bf]/g)?.length).toBeGreaterThanOrEqual(5);
    expect(page).toContain('tot 12 maanden na de bijeenkomst');
    expect(page).toContain('een plek 30 minuten voor je vast');
    expect(page).toContain('die 48 uur voor je gereserveerd');
    expect(page).toContain('bewaren we 3 maanden');
    expect(page).toContain('hoogstens 30 aanmeldingen doen binnen 60 minuten');
    expect(page).toContain(`Je bereikt de FG via: ${NOT_SET}.`);
    expect(page).not.toContain('{{');
  });

  it('changes with the configuration: other retention, hold times, limit and the officer’s contact', async () => {
    const page = await html(configured, '/privacy');
    expect(page).toContain('tot 18 maanden na de bijeenkomst');
    expect(page).toContain('18 maanden na de bijeenkomst geanonimiseerd'); // the summary, also in the meta description
    expect(page).toContain('een plek 45 minuten voor je vast');
    expect(page).toContain('die 72 uur voor je gereserveerd');
    expect(page).toContain('bewaren we 6 maanden');
    expect(page).toContain('hoogstens 40 aanmeldingen');
    expect(page).toContain('Je bereikt de FG via: Mr. F. de Vries, fg@regio.example.');
    expect(page).not.toContain(NOT_SET);
  });

  it('the accessibility statement follows the model: status, what was tested and how, known problems, contact, date', async () => {
    const page = await html(standard, '/toegankelijkheid');
    for (const heading of ['Nalevingsstatus', 'Wat we hebben getest en hoe', 'Bekende problemen', 'Een probleem melden', 'Datum van deze verklaring'])
      expect(page).toContain(`>${heading}</h2>`);
    for (const text of ['WCAG 2.1 niveau AA', 'axe-core', 'Alleen met het toetsenbord', 'schermlezer', 'toegankelijkheid@hechtwerk.example'])
      expect(page).toContain(text);
    expect(page).toContain('Deze verklaring is opgesteld op 4 december 2026.');
  });
});
