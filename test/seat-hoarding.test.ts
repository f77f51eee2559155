import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, registrations } from '../src/db/schema.ts';
import { mailAsSent } from '../src/mail/outbox.ts';
import { takenSeats } from '../src/trainings/queries.ts';
import { type Backend, backends, createOpenSession, createTestApp, tableCounts } from './helpers.ts';

const HOUR = 3_600_000;
type T = Awaited<ReturnType<typeof createTestApp>>;

let seq = 0;
async function makeSession(t: T, capacity: number) {
  const n = ++seq;
  const { sessionId, path } = await createOpenSession(t.deps.database.db, t.clock.now(), {
    slug: `hamster-${n}`,
    title: `Hamstertraining ${n}`,
    summary: 'Een training om mee te testen.',
    capacity,
  });
  return { sessionId, path };
}

const person = (who: string, extra: Record<string, string> = {}) =>
  new URLSearchParams({
    name: `Persoon ${who}`,
    email: `${who}@example.org`,
    organisation: 'GGD Voorbeeld',
    role: 'Jeugdverpleegkundige',
    consent: 'ja',
    ...extra,
  });

/** Registers from a client address (TRUST_PROXY=1: the proxy's X-Forwarded-For entry). */
const signUp = (t: T, path: string, body: URLSearchParams, client: string) =>
  t.app.request(`${path}/aanmelden`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': client },
  });

/** The answer's main content, without what differs per request. */
const answerOf = async (res: Response) => (/<main[\s\S]*<\/main>/.exec(await res.text())?.[0] ?? '').replace(/name="_csrf" value="[^"]*"/g, '');

async function confirmByMail(t: T, email: string) {
  const [row] = await t.deps.database.db.select().from(outbox).where(eq(outbox.to, email)).orderBy(outbox.id).limit(1);
  if (!row) throw new Error(`no mail to ${email}`);
  const link = /http:\/\/localhost:3000(\/trainingen\/bevestigen\/[\w-]+)/.exec((await mailAsSent(t.deps.database.db, row.id)).text)?.[1];
  return (await t.app.request(link as string, { method: 'POST' })).text();
}

const statuses = async (t: T, sessionId: number) =>
  Object.fromEntries(
    (await t.deps.database.db.select().from(registrations).where(eq(registrations.sessionId, sessionId))).map((r) => [r.email, r.status]),
  ) as Record<string, string>;

describe.each(backends())('seat hoarding on %s', (kind: Backend) => {
  let t: T;
  beforeAll(async () => {
    t = await createTestApp(kind, { env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => t.close());

  it('20 bot sign-ups that never confirm cannot take 20 of 30 seats, and what they hold is free again within the hour', async () => {
    const s = await makeSession(t, 30);
    const db = t.deps.database.db;
    for (let i = 0; i < 20; i++) expect((await signUp(t, s.path, person(`bot${i}`), `198.51.${i}.7`)).status).toBe(200);
    // At most a third of the seats is held for people who have not confirmed.
    const heldByBots = await takenSeats(db, s.sessionId, t.clock.now());
    expect(heldByBots).toBeLessThanOrEqual(11);
    // Real people who confirm get the other seats at once, bots or not.
    for (let i = 0; i < 30 - heldByBots; i++) {
      await signUp(t, s.path, person(`mens${i}`), `203.0.113.${i}`);
      expect(await confirmByMail(t, `mens${i}@example.org`)).toContain('Je aanmelding is bevestigd');
    }
    expect(await takenSeats(db, s.sessionId, t.clock.now())).toBe(30);
    // Within the hour the bots' holds have lapsed: their seats go to whoever confirms.
    t.clock.advance(HOUR);
    expect(await takenSeats(db, s.sessionId, t.clock.now())).toBe(30 - heldByBots);
    for (let i = 0; i < heldByBots; i++) {
      await signUp(t, s.path, person(`later${i}`), `192.0.2.${i}`);
      expect(await confirmByMail(t, `later${i}@example.org`)).toContain('Je aanmelding is bevestigd');
    }
    // Full now; no overbooking: the next one who confirms waits on the list.
    expect(await takenSeats(db, s.sessionId, t.clock.now())).toBe(30);
    await signUp(t, s.path, person('laatkomer'), '192.0.2.200');
    expect((await statuses(t, s.sessionId))['laatkomer@example.org']).toBe('waitlisted');
    const confirmed = Object.values(await statuses(t, s.sessionId)).filter((v) => v === 'confirmed');
    expect(confirmed).toHaveLength(30);
  });

  it('a bot whose registrations are spread over one IPv6 /64 is counted as one client', async () => {
    const s = await makeSession(t, 100);
    const codes: number[] = [];
    for (let i = 0; i < 31; i++) codes.push((await signUp(t, s.path, person(`v6-${i}`), `2001:db8:77:1:${(i + 1).toString(16)}::1`)).status);
    expect(codes.slice(0, 30).every((c) => c === 200)).toBe(true);
    expect(codes[30]).toBe(429);
    // Another /64 is another client.
    expect((await signUp(t, s.path, person('v6-ander'), '2001:db8:77:2::1')).status).toBe(200);
  });

  it('a filled honeypot gets the very answer a person gets, and nothing is stored or sent', async () => {
    const s = await makeSession(t, 5);
    const human = await answerOf(await signUp(t, s.path, person('echt'), '192.0.2.50'));
    const before = await tableCounts(t.deps.database);
    const bot = await answerOf(await signUp(t, s.path, person('echt', { website: 'https://spam.example' }), '192.0.2.51'));
    expect(bot).toBe(human);
    const after = await tableCounts(t.deps.database);
    expect([after.registrations, after.outbox]).toEqual([before.registrations, before.outbox]);
    expect((await statuses(t, s.sessionId))['echt@example.org']).toBe('held');
    expect(
      await t.deps.database.db
        .select()
        .from(registrations)
        .where(and(eq(registrations.sessionId, s.sessionId))),
    ).toHaveLength(1);
  });
});
