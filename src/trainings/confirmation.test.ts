import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, createTestApp } from '../../test/helpers.ts';
import { outbox } from '../db/schema.ts';
import * as outboxModule from '../mail/outbox.ts';
import { formatSessionTime } from './format.ts';
import { createSession, createTraining } from './service.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
type T = Awaited<ReturnType<typeof createTestApp>>;

/**
 * The alert element of the given type in a page, whole (nested elements included), or '' when
 * there is none.
 */
function alertIn(html: string, type: 'ok' | 'info' | 'warning' | 'error'): string {
  const open = new RegExp(`<(div|aside|section) class="utrecht-alert utrecht-alert--${type}\\b`).exec(html);
  if (!open) return '';
  const tag = open[1] as string;
  const tags = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'g');
  tags.lastIndex = open.index;
  let depth = 0;
  for (let m = tags.exec(html); m; m = tags.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return html.slice(open.index, m.index + m[0].length);
  }
  return '';
}

/**
 * A link from the newest mail to `to`. The outbox may keep a placeholder where a personal link goes
 * and make the link as the mail is sent (mailAsSent); then the link is read from the mail as sent.
 */
async function linkFromMail(t: T, to: string, kind: 'bevestigen' | 'aanmelding'): Promise<string> {
  const db = t.deps.database.db;
  const asSent = (outboxModule as unknown as { mailAsSent?: (db: unknown, id: number) => Promise<{ text: string }> }).mailAsSent;
  for (const row of await db.select().from(outbox).where(eq(outbox.to, to)).orderBy(desc(outbox.id))) {
    const text = asSent ? (await asSent(db, row.id)).text : row.text;
    const path = new RegExp(`/trainingen/${kind}/[\\w-]+`).exec(text)?.[0];
    if (path) return path;
  }
  throw new Error(`no ${kind} link in a mail to ${to}`);
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
});

const person = (n: string) => ({
  name: `Deelnemer ${n}`,
  email: `paneel-${n}@example.org`,
  organisation: 'Kinderopvang Voorbeeld',
  role: 'Pedagogisch medewerker',
  consent: 'ja',
});

describe.each(backends())('confirmation panels after a public action on %s', (kind: Backend) => {
  let t: T;
  let session: { path: string; title: string; when: string; where: string };

  beforeAll(async () => {
    t = await createTestApp(kind);
    const db = t.deps.database.db;
    const now = t.clock.now();
    const title = 'Signalen bespreken met ouders';
    const trainingId = await createTraining(db, null, {
      slug: 'signalen-bespreken',
      title,
      summary: 'Oefenen met het gesprek over wat je ziet.',
      descriptionMd: 'Uitleg.',
      audience: ['Kinderopvang'],
      themes: ['hechting'],
      durationHours: 3,
      accreditation: '',
      published: true,
    });
    const startsAt = new Date(Math.floor((now.getTime() + 30 * DAY) / 60_000) * 60_000);
    const endsAt = new Date(startsAt.getTime() + 3 * HOUR);
    const where = 'Buurthuis De Linde, Kerkstraat 4, Voorbeeldstad';
    const sessionId = await createSession(db, null, trainingId, {
      startsAt,
      endsAt,
      location: where,
      online: false,
      capacity: 1,
      registrationOpensAt: new Date(now.getTime() - DAY),
      registrationClosesAt: new Date(startsAt.getTime() - HOUR),
      cancelUntil: new Date(startsAt.getTime() - 2 * DAY),
      contact: 'trainingen@hechtwerk.example',
    });
    session = { path: `/trainingen/signalen-bespreken/${sessionId}`, title, when: formatSessionTime(startsAt, endsAt), where };
  });
  afterAll(() => t.close());

  /** The page's success panel names the training, the session's date and time, and the place. */
  function expectPanel(html: string, says: string) {
    const panel = alertIn(html, 'ok');
    expect(panel, 'a success panel').not.toBe('');
    expect(panel).toContain('role="status"');
    expect(panel).toContain(says);
    expect(panel).toContain(`<dd>${session.title}</dd>`);
    expect(panel).toContain(`<dd>${session.when}</dd>`);
    expect(panel).toContain(`<dd>${session.where}</dd>`);
  }

  it('registering, confirming by mail and cancelling each end on a success panel with the training, date and place', async () => {
    const registered = await t.app.request(`${session.path}/aanmelden`, form(person('a')));
    expect(registered.status).toBe(200);
    const afterRegistering = await registered.text();
    expect(afterRegistering).toContain('<h1 class="utrecht-heading-1">Kijk in je mail</h1>');
    expectPanel(afterRegistering, 'We hebben je aanmelding ontvangen.');

    const confirmed = await t.app.request(await linkFromMail(t, 'paneel-a@example.org', 'bevestigen'), { method: 'POST' });
    expect(confirmed.status).toBe(200);
    const afterConfirming = await confirmed.text();
    expect(afterConfirming).toContain('<h1 class="utrecht-heading-1">Je aanmelding is bevestigd</h1>');
    expectPanel(afterConfirming, 'Je hebt een plek.');

    const manage = /href="(\/trainingen\/aanmelding\/[\w-]+)"/.exec(afterConfirming)?.[1];
    expect(manage).toBeDefined();
    // "Afmelden" asks first, and keeps the seat until it is confirmed.
    const ask = await t.app.request(manage as string, form({ actie: 'cancel' }));
    expect(ask.status).toBe(200);
    const askHtml = await ask.text();
    expect(askHtml).toContain('<h1 class="utrecht-heading-1">Afmelden?</h1>');
    expect(askHtml).toContain('Je plek gaat naar iemand anders');
    expect(askHtml).toContain(`href="${manage}">Nee, ik blijf aangemeld</a>`);
    expect(await (await t.app.request(manage as string)).text()).toContain('<dd>Bevestigd</dd>');
    const cancelled = await t.app.request(manage as string, form({ actie: 'cancel', bevestig: 'ja' }));
    expect(cancelled.status).toBe(200);
    const afterCancelling = await cancelled.text();
    expectPanel(afterCancelling, 'Je bent afgemeld. Je plek is vrijgegeven.');
    // The way back in, on the same page.
    expect(afterCancelling).toContain(`Toch komen? <a class="utrecht-link" href="${session.path}">Meld je weer aan</a>`);
  });

  it('a place on the waiting list is confirmed the same way (the place itself is told in the mail)', async () => {
    await t.app.request(`${session.path}/aanmelden`, form(person('b')));
    const waiting = await t.app.request(`${session.path}/aanmelden`, form(person('c')));
    const html = await waiting.text();
    expect(html).toContain('<h1 class="utrecht-heading-1">Kijk in je mail</h1>');
    expectPanel(html, 'We hebben je aanmelding ontvangen.');
  });

  it('a link that no longer works says so in an error panel, not a success panel', async () => {
    const res = await t.app.request('/trainingen/bevestigen/dit-is-geen-geldige-link-0123456789', { method: 'POST' });
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(alertIn(html, 'ok')).toBe('');
    expect(alertIn(html, 'error')).toContain('De link is verlopen');
  });
});
