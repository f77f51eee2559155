import { readFileSync } from 'node:fs';
import { count } from 'drizzle-orm';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { trainings } from '../db/schema.ts';
import { amsterdamToUtc } from './format.ts';
import { createSession, createTraining } from './service.ts';

const hhmm = z.string().regex(/^\d{2}:\d{2}$/);
const fileSchema = z.array(
  z.strictObject({
    slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    title: z.string().min(2).max(120),
    summary: z.string().min(10).max(300),
    audience: z.array(z.string().min(2).max(40)).max(12),
    themes: z.array(z.string()).max(6),
    durationHours: z.number().int().min(1).max(200),
    accreditation: z.string().max(200),
    description: z.string().min(10).max(20_000),
    sessions: z.array(
      z.strictObject({
        inDays: z.number().int().min(1).max(730),
        start: hhmm,
        end: hhmm,
        location: z.string().min(2).max(200),
        online: z.boolean().default(false),
        capacity: z.number().int().min(1).max(10_000),
      }),
    ),
  }),
);

/** Loads the demo trainings once, into an empty table; sessions are dated relative to now. */
export async function importDemoTrainings(db: Db, path: string, now: Date): Promise<number> {
  const [row] = await db.select({ n: count() }).from(trainings);
  if (Number(row?.n ?? 0) > 0) return 0;
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch {
    return 0;
  }
  const list = fileSchema.parse(data);
  // Same writes as an editor's (search index, audit, content version), in this one transaction; demo trainings and sessions are public at once.
  await db.transaction(async (tx) => {
    for (const t of list) {
      const { sessions, description, ...fields } = t;
      const trainingId = await createTraining(tx, null, { ...fields, descriptionMd: description, published: true }, now);
      for (const s of sessions) {
        const date = new Date(now.getTime() + s.inDays * 86_400_000).toISOString().slice(0, 10);
        const startsAt = amsterdamToUtc(`${date}T${s.start}`) as Date;
        const endsAt = amsterdamToUtc(`${date}T${s.end}`) as Date;
        await createSession(
          tx,
          null,
          trainingId,
          {
            startsAt,
            endsAt,
            location: s.location,
            online: s.online,
            capacity: s.capacity,
            registrationOpensAt: now,
            registrationClosesAt: new Date(startsAt.getTime() - 2 * 86_400_000),
            cancelUntil: new Date(startsAt.getTime() - 2 * 86_400_000),
            contact: 'trainingen@hechtwerk.example',
          },
          { published: true, now },
        );
      }
    }
  });
  return list.length;
}
