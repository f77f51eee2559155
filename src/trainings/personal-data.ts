import { and, asc, eq } from 'drizzle-orm';
import { actionTitle } from '../audit/actions.ts';
import type { Queryable } from '../db/client.ts';
import { auditLog, evaluationInvites, outbox, registerName, reminders } from '../db/schema.ts';
import { forDisplay } from '../mail/outbox.ts';
import { proofOf } from './accreditation.ts';
import { REGISTRANT_STATUS, type Registration, type Session, type Training } from './queries.ts';

/** A moment as the file writes it: ISO 8601 (UTC), or null. */
const at = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * Everything stored about one registration, for the registrant to download (AVG, articles 15 and
 * 20): what they filled in, what happened to the registration, the mails about it, the reminders
 * sent, whether the evaluation was answered (not the answers: those are kept without a name), what
 * the log says happened to it and the proof of attendance. Keys and values in Dutch, moments in ISO 8601.
 */
export async function personalData(db: Queryable, found: { registration: Registration; session: Session; training: Training }, now: Date) {
  const { registration: r, session: s, training } = found;
  const [mails, sentReminders, [evaluation], proof, events] = await Promise.all([
    db
      .select({ subject: outbox.subject, text: outbox.text, status: outbox.status, createdAt: outbox.createdAt, sentAt: outbox.sentAt })
      .from(outbox)
      .where(eq(outbox.registrationId, r.id))
      .orderBy(asc(outbox.createdAt), asc(outbox.id)),
    db
      .select({ daysBefore: reminders.daysBefore, sentAt: reminders.sentAt })
      .from(reminders)
      .where(eq(reminders.registrationId, r.id))
      .orderBy(asc(reminders.sentAt)),
    db
      .select({ invitedAt: evaluationInvites.invitedAt, answeredAt: evaluationInvites.answeredAt })
      .from(evaluationInvites)
      .where(eq(evaluationInvites.registrationId, r.id)),
    proofOf(db, r.id),
    // What the log says happened to the registration (checked in, attendance, moved, cancelled by the
    // editors): what and when, not who in the organisation did it.
    db
      .select({ action: auditLog.action, at: auditLog.at })
      .from(auditLog)
      .where(and(eq(auditLog.subjectKind, 'registration'), eq(auditLog.subjectId, r.id)))
      .orderBy(asc(auditLog.at), asc(auditLog.id)),
  ]);
  return {
    toelichting:
      'Alle gegevens die Hechtwerk over deze aanmelding bewaart. Tijden staan in UTC (ISO 8601). Persoonlijke links staan er als [persoonlijke link] in: de werkende links staan in de mails die je hebt gekregen.',
    gemaaktOp: at(now),
    aanmelding: {
      naam: r.name,
      eMailadres: r.email,
      organisatie: r.organisation,
      functie: r.role,
      register: r.register ? registerName(r.register) : null,
      registratienummer: r.registerNumber,
      status: REGISTRANT_STATUS[r.status] ?? r.status,
      aangemeldOp: at(r.createdAt),
      plekVastgehoudenTot: at(r.holdExpiresAt),
      bevestigdOp: at(r.confirmedAt),
      opDeWachtlijstSinds: at(r.waitlistedAt),
      aanbodGeldigTot: at(r.offerExpiresAt),
      afgemeldOp: at(r.cancelledAt),
      ingechecktOp: at(r.checkedInAt),
      aanwezigheid: r.attendance,
      laatstGewijzigdOp: at(r.updatedAt),
    },
    bijeenkomst: {
      training: training.title,
      begin: at(s.startsAt),
      einde: at(s.endsAt),
      waar: s.location,
      online: s.online,
      geannuleerd: s.status === 'geannuleerd',
    },
    berichten: mails.map((m) => ({
      onderwerp: m.subject,
      status: m.status === 'sent' ? 'verstuurd' : m.status === 'failed' ? 'niet bezorgd' : 'nog te versturen',
      aangemaaktOp: at(m.createdAt),
      verstuurdOp: at(m.sentAt),
      tekst: forDisplay(m.text),
    })),
    gebeurtenissen: events.map((e) => ({ wat: actionTitle(e.action), op: at(e.at) })),
    herinneringen: sentReminders.map((x) => ({ dagenVooraf: x.daysBefore, verstuurdOp: at(x.sentAt) })),
    evaluatie: evaluation ? { uitgenodigdOp: at(evaluation.invitedAt), ingevuldOp: at(evaluation.answeredAt) } : null,
    bewijsVanDeelname: proof
      ? {
          controlecode: proof.code,
          naam: proof.name,
          register: proof.register ? registerName(proof.register) : null,
          registratienummer: proof.registerNumber,
          training: proof.trainingTitle,
          datum: at(proof.sessionDate),
          uren: proof.hours,
          punten: proof.points,
          accreditatienummer: proof.accreditationId,
          uitgegevenOp: at(proof.issuedAt),
          bewaardTot: at(proof.keepUntil),
        }
      : null,
  };
}
