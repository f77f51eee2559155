import { Cron } from 'croner';
import nodemailer from 'nodemailer';
import type { Deps } from '../context.ts';
import { sendDueMails } from '../mail/outbox.ts';
import { linkCheckSettings, runExclusive, stopBackgroundChecks } from '../sources/linkcheck.ts';
import { sendEvaluationInvites } from '../trainings/evaluation.ts';
import { anonymiseOld, expireDue, refreshTrainingPlaces, sendReminders } from '../trainings/service.ts';
import { settingsFrom } from '../trainings/settings.ts';

/**
 * What a failed job logs about its error: the SQLSTATE code and the names of the constraint,
 * table and column involved, never the message of a database error or a failed query (they
 * carry the statement's parameters, or a value that did not fit: names, e-mail addresses).
 * Other errors (a fault in our code) keep the first line of their message.
 */
export function jobError(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const chain: Record<string, unknown>[] = [];
  for (let e = err as Record<string, unknown> | undefined, i = 0; e && typeof e === 'object' && i < 5; e = e.cause as typeof e, i++) chain.push(e);
  const first = chain[0];
  if (!first) return { message: String(err) };
  out.name = String(first.name ?? 'Error');
  const fromDb = chain.find((e) => typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code as string));
  const code = chain.find((e) => typeof e.code === 'string')?.code;
  if (typeof code === 'string') out.code = code;
  for (const key of ['constraint', 'table', 'column'] as const) {
    const v = fromDb?.[key];
    if (typeof v === 'string') out[key] = v;
  }
  const queryFailed = chain.some((e) => typeof e.message === 'string' && /^Failed query:|\nparams:/.test(e.message));
  if (!fromDb && !queryFailed)
    out.message =
      String(first.message ?? '')
        .split('\n')[0]
        ?.slice(0, 200) ?? '';
  return out;
}

/**
 * Background work. All state is in the database and every job is safe to run on several
 * instances at once (row locks, SKIP LOCKED, unique keys), so a crash or restart loses nothing:
 * the next tick, here or on another instance, picks up what is due.
 */
export function startJobs(deps: Deps) {
  const { log, database, config } = deps;
  const settings = settingsFrom(deps);
  const running = new Set<Promise<unknown>>();
  const guard = (name: string, fn: () => Promise<unknown>) => () => {
    const p = fn()
      .then((n) => {
        if (typeof n === 'number' && n > 0) log.info({ job: name, count: n }, 'job done');
      })
      .catch((err) => log.warn({ job: name, err: jobError(err) }, 'job failed'));
    running.add(p);
    void p.finally(() => running.delete(p));
    return p;
  };
  const jobs: Cron[] = [
    new Cron(
      '*/30 * * * * *',
      { protect: true },
      guard('expire', () => expireDue(database.db, settings, deps.now())),
    ),
    new Cron(
      '0 */5 * * * *',
      { protect: true },
      guard('reminders', () => sendReminders(database.db, settings, deps.now())),
    ),
    // Evaluation mails for attendees of sessions that have ended (once each: evaluation_invites' key).
    new Cron(
      '30 */5 * * * *',
      { protect: true },
      guard('evaluations', () => sendEvaluationInvites(database.db, settings, deps.now())),
    ),
    // A training's search document names where its coming sessions are; sessions end without a write.
    new Cron(
      '0 7 * * * *',
      { protect: true },
      guard('training-places', () => refreshTrainingPlaces(database.db, deps.now())),
    ),
    new Cron(
      '0 17 3 * * *',
      { protect: true, timezone: 'Europe/Amsterdam' },
      guard('retention', () => anonymiseOld(database.db, settings, deps.now())),
    ),
  ];
  // Link checks. Only one instance checks at a time (a lease in the database, see runExclusive);
  // an instance that finds the lease taken skips the tick. Stopping aborts checks in flight.
  const stopping = new AbortController();
  const links = () => ({ ...linkCheckSettings(config, deps.now), signal: stopping.signal });
  const checked = (summary: { checked: number } | null) => summary?.checked ?? 0;
  jobs.push(
    // Every link once a night; what was checked in the last 12 hours (by hand, say) is left alone.
    new Cron(
      '0 30 3 * * *',
      { protect: true, timezone: 'Europe/Amsterdam' },
      guard('linkcheck', async () => checked(await runExclusive(database.db, { ...links(), olderThan: new Date(deps.now().getTime() - 12 * 3_600_000) }))),
    ),
    // New sources and adopted addresses get their first check within a few minutes.
    new Cron(
      '0 */5 * * * *',
      { protect: true },
      guard('linkcheck-new', async () => checked(await runExclusive(database.db, { ...links(), neverChecked: true }))),
    ),
  );
  // Without SMTP_URL mail stays in the outbox, readable at /beheer/mail.
  if (config.SMTP_URL) {
    // A pooled transport: a new SMTP connection per mail costs about 100 ms here, a pooled send a few.
    // Short network time limits: a silent SMTP server must not outlast a mail's lease (see sendDueMails).
    const transport = nodemailer.createTransport({
      url: config.SMTP_URL,
      pool: true,
      maxConnections: 4,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as never);
    // Four senders drain the outbox side by side (SKIP LOCKED keeps them apart) until nothing is due.
    const drain = async () => {
      let total = 0;
      for (;;) {
        const sent = await Promise.all(
          Array.from({ length: 4 }, () => sendDueMails(database.db, transport, config.MAIL_FROM, deps.now, 25, { signal: stopping.signal })),
        );
        const n = sent.reduce((a, b) => a + b, 0);
        total += n;
        if (n === 0 || stopping.signal.aborted) return total;
      }
    };
    jobs.push(new Cron('* * * * * *', { protect: true }, guard('mail', drain)));
    stopping.signal.addEventListener('abort', () => transport.close(), { once: true });
  }
  // Catch up at start: whatever fell due while no instance ran.
  guard('expire', () => expireDue(database.db, settings, deps.now()))();
  guard('reminders', () => sendReminders(database.db, settings, deps.now()))();
  guard('evaluations', () => sendEvaluationInvites(database.db, settings, deps.now()))();
  guard('retention', () => anonymiseOld(database.db, settings, deps.now()))();
  return {
    async stop() {
      for (const j of jobs) j.stop();
      stopping.abort();
      await Promise.allSettled([...running, stopBackgroundChecks()]);
    },
  };
}
