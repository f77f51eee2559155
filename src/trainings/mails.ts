import type { Mail } from '../mail/outbox.ts';
import { formatMoment, formatSessionTime } from './format.ts';
import type { Session, Training } from './queries.ts';

export interface MailSession {
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string;
  online: boolean;
  contact: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const where = (s: MailSession) => (s.online ? `online (${s.location})` : s.location);

/**
 * Whom a mail about a registration goes to: the registration itself (id 0 while it is being stored
 * with its first mail, see storeRegistration), its address and name. Every such mail names its
 * registration, so it is in the registrant's download and deleted with the registration.
 */
export interface Addressee {
  id: number;
  email: string;
  name: string;
}

/** A registration's row as an addressee (anonymised rows, without address or name, get no mail). */
export const addressee = (r: { id: number; email: string | null; name: string | null }): Addressee => ({
  id: r.id,
  email: r.email as string,
  name: r.name as string,
});

/** Plain text and HTML from the same paragraphs; a line that is a URL becomes a link in HTML. */
function compose(to: Addressee, subject: string, paragraphs: string[], attachments?: Mail['attachments']): Mail {
  const text = `${paragraphs.join('\n\n')}\n\nHechtwerk`;
  const html = `${paragraphs.map((p) => (/^https?:\/\/\S+$/.test(p) ? `<p><a href="${esc(p)}">${esc(p)}</a></p>` : `<p>${esc(p).replace(/\n/g, '<br>')}</p>`)).join('')}<p>Hechtwerk</p>`;
  return { to: to.email, subject, text, html, attachments, ...(to.id ? { registrationId: to.id } : {}) };
}

const sessionLine = (s: MailSession) => `${s.title}\n${formatSessionTime(s.startsAt, s.endsAt)}\n${where(s)}`;
const manageLine = (manageUrl: string) => `Je aanmelding bekijken, annuleren of je gegevens verwijderen:\n${manageUrl}`;

export const mails = {
  /** `holdUntil` null: no seat could be held (too many unconfirmed registrations); confirming takes one if it is still free. */
  confirmRequest: (to: Addressee, s: MailSession, confirmUrl: string, manageUrl: string, holdUntil: Date | null): Mail =>
    compose(to, `Bevestig je aanmelding: ${s.title}`, [
      `Hallo ${to.name},`,
      `Je hebt je aangemeld voor:\n${sessionLine(s)}`,
      holdUntil
        ? `We houden een plek voor je vast tot ${formatMoment(holdUntil)}. Bevestig je aanmelding via deze link:`
        : 'Er wachten op dit moment veel aanmeldingen op bevestiging, daarom kunnen we nu geen plek voor je vasthouden. Bevestig je aanmelding zo snel mogelijk via deze link. Is er dan nog een plek vrij, dan is die voor jou; anders kom je op de wachtlijst.',
      confirmUrl,
      manageLine(manageUrl),
      'Heb je je niet aangemeld? Dan kun je dit bericht negeren; de plek vervalt vanzelf.',
    ]),
  resend: (to: Addressee, s: MailSession, manageUrl: string, confirmUrl: string | null): Mail =>
    compose(to, `Je aanmelding: ${s.title}`, [
      `Hallo ${to.name},`,
      `Je was al aangemeld voor:\n${sessionLine(s)}`,
      ...(confirmUrl ? ['Je aanmelding is nog niet bevestigd. Bevestig via deze link:', confirmUrl] : []),
      manageLine(manageUrl),
    ]),
  waitlisted: (to: Addressee, s: MailSession, position: number, manageUrl: string): Mail =>
    compose(to, `Wachtlijst: ${s.title}`, [
      `Hallo ${to.name},`,
      `De bijeenkomst is vol. Je staat op de wachtlijst, op plaats ${position}:\n${sessionLine(s)}`,
      'Komt er een plek vrij, dan krijg je een mail met een aanbod.',
      manageLine(manageUrl),
    ]),
  confirmed: (to: Addressee, s: MailSession, manageUrl: string, ics: string): Mail =>
    compose(
      to,
      `Aanmelding bevestigd: ${s.title}`,
      [
        `Hallo ${to.name},`,
        `Je aanmelding is bevestigd. Tot ziens bij:\n${sessionLine(s)}`,
        'In de bijlage staat een agenda-afspraak.',
        manageLine(manageUrl),
        `Kun je toch niet? Annuleer dan zo snel mogelijk, zodat iemand van de wachtlijst je plek krijgt.`,
      ],
      [{ filename: 'training.ics', contentType: 'text/calendar; charset=utf-8; method=REQUEST', content: ics }],
    ),
  offer: (to: Addressee, s: MailSession, manageUrl: string, until: Date): Mail =>
    compose(to, `Er is een plek vrij: ${s.title}`, [
      `Hallo ${to.name},`,
      `Er is een plek vrijgekomen bij:\n${sessionLine(s)}`,
      `De plek is voor jou tot ${formatMoment(until)}. Neem hem aan of zeg nee via deze link:`,
      manageUrl,
      'Reageer je niet op tijd, dan gaat de plek naar de volgende op de wachtlijst.',
    ]),
  movedToWaitlist: (to: Addressee, s: MailSession, position: number, manageUrl: string): Mail =>
    compose(to, `Wachtlijst: ${s.title}`, [
      `Hallo ${to.name},`,
      `Je bevestigde je aanmelding nadat de gereserveerde plek was verlopen, en de bijeenkomst is inmiddels vol. Je staat nu op de wachtlijst, op plaats ${position}:\n${sessionLine(s)}`,
      manageLine(manageUrl),
    ]),
  cancelled: (to: Addressee, s: MailSession): Mail =>
    compose(to, `Afgemeld: ${s.title}`, [
      `Hallo ${to.name},`,
      `Je bent afgemeld voor:\n${sessionLine(s)}`,
      'Je plek is vrijgegeven. Bedankt dat je het op tijd liet weten.',
    ]),
  reminder: (to: Addressee, s: MailSession, days: number, manageUrl: string, ics: string): Mail =>
    compose(
      to,
      `Herinnering: ${s.title} ${days === 1 ? 'morgen' : `over ${days} dagen`}`,
      [`Hallo ${to.name},`, `Een herinnering aan:\n${sessionLine(s)}`, manageLine(manageUrl)],
      [{ filename: 'training.ics', contentType: 'text/calendar; charset=utf-8', content: ics }],
    ),
  sessionChanged: (to: Addressee, s: MailSession, manageUrl: string, ics: string): Mail =>
    compose(
      to,
      `Gewijzigd: ${s.title}`,
      [
        `Hallo ${to.name},`,
        `De bijeenkomst is gewijzigd. Dit zijn de nieuwe gegevens:\n${sessionLine(s)}`,
        'In de bijlage staat de bijgewerkte agenda-afspraak.',
        manageLine(manageUrl),
      ],
      [{ filename: 'training.ics', contentType: 'text/calendar; charset=utf-8; method=REQUEST', content: ics }],
    ),
  sessionCancelled: (to: Addressee, s: MailSession, ics: string): Mail =>
    compose(
      to,
      `Gaat niet door: ${s.title}`,
      [
        `Hallo ${to.name},`,
        `Helaas gaat deze bijeenkomst niet door:\n${sessionLine(s)}`,
        'Met de bijlage haal je de afspraak uit je agenda.',
        s.contact ? `Vragen? Neem contact op: ${s.contact}` : 'Kijk op de site voor andere data.',
      ],
      [{ filename: 'training.ics', contentType: 'text/calendar; charset=utf-8; method=CANCEL', content: ics }],
    ),
  message: (to: Addressee, s: MailSession, subject: string, body: string): Mail =>
    compose(to, `${subject} (${s.title})`, [`Hallo ${to.name},`, body, `Dit bericht gaat over:\n${sessionLine(s)}`]),
  evaluation: (to: Addressee, s: MailSession, evaluationUrl: string, until: Date): Mail =>
    compose(to, `Hoe was de training? ${s.title}`, [
      `Hallo ${to.name},`,
      `Bedankt voor je deelname aan:\n${sessionLine(s)}`,
      'Wil je de training beoordelen? Het zijn een paar korte vragen. Je antwoorden worden zonder je naam bewaard: de trainer ziet alleen gemiddelden en opmerkingen van de hele groep.',
      evaluationUrl,
      `De link werkt tot ${formatMoment(until)} en is alleen voor jou.`,
    ]),
  certificate: (to: Addressee, s: MailSession, pdfBase64: string, manageUrl: string, verifyUrl: string): Mail =>
    compose(
      to,
      `Certificaat: ${s.title}`,
      [
        `Hallo ${to.name},`,
        `Bedankt voor je deelname aan:\n${sessionLine(s)}`,
        'Je certificaat zit in de bijlage. Je kunt het ook downloaden via:',
        manageUrl,
        'Iedereen kan je certificaat controleren op:',
        verifyUrl,
      ],
      [{ filename: 'certificaat.pdf', contentType: 'application/pdf', content: pdfBase64, encoding: 'base64' }],
    ),
};
export function mailSession(session: Session, training: Training) {
  return {
    title: training.title,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    location: session.location,
    online: session.online,
    contact: session.contact,
  };
}
