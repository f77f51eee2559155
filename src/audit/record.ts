import type { Queryable } from '../db/client.ts';
import { auditLog } from '../db/schema.ts';
import type { AuditAction } from './actions.ts';

/**
 * What an audit row is about: a kind and that thing's id, with a label a person reads (a title, an
 * e-mail address) that the log keeps showing when the thing is gone. A registration's label is
 * always "aanmelding 7", never the registrant's name or address: the log outlives personal data.
 */
export type AuditSubject =
  | { kind: 'theme' | 'organisation' | 'source' | 'training' | 'session' | 'user'; id: number; label: string }
  | { kind: 'registration'; id: number }
  | { kind: 'bundle'; label: string }
  /** Not a thing with an id (yet): an address invited before it has an account. */
  | { kind: null; label: string };

const day = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'numeric', year: 'numeric', timeZone: 'Europe/Amsterdam' });

/** A session as the log names it: "‘Basistraining’ op 4-12-2026" (the day in Dutch time). */
export function sessionSubject(session: { id: number; startsAt: Date }, training: { title: string }): AuditSubject {
  return { kind: 'session', id: session.id, label: `‘${training.title}’ op ${day.format(session.startsAt)}` };
}

/** One line in the audit log: who did what to which subject, with details for the record. */
export async function audit(
  tx: Queryable,
  actorId: number | null,
  action: AuditAction,
  subject: AuditSubject | null = null,
  details: Record<string, unknown> = {},
) {
  const about =
    subject === null
      ? { subject: '', subjectKind: null, subjectId: null }
      : subject.kind === 'registration'
        ? { subject: `aanmelding ${subject.id}`, subjectKind: subject.kind, subjectId: subject.id }
        : { subject: subject.label, subjectKind: subject.kind, subjectId: 'id' in subject ? subject.id : null };
  await tx.insert(auditLog).values({ actorId, action, ...about, details });
}
