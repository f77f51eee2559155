import type { AuditSubjectKind } from '../db/schema.ts';
import { registerName } from '../db/schema.ts';

/**
 * Every audit action in plain Dutch: a short title (the log's action filter) and a sentence for one
 * row of the log, built from the row's subject and details. audit() only takes an action listed
 * here, so a new action cannot be written without its Dutch text.
 */

type Details = Record<string, unknown>;

/** Where the subject goes in a sentence: as a noun phrase ("thema ‘Hechting’") or as its bare label ("piet@example.nl"). */
export const SUBJECT = { part: 'subject' } as const;
export const LABEL = { part: 'label' } as const;
export type Piece = string | typeof SUBJECT | typeof LABEL;

interface ActionText {
  title: string;
  /** The sentence; `has`: the row names a subject (old rows and some actions do not). */
  say: (d: Details, has: boolean) => Piece[];
}

// ---------------------------------------------------------------- details, read defensively (old rows differ)

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
/** " (14 mensen gemaild)" when the number is there, else nothing. */
const counted = (v: unknown, one: string, many: string, after = '') => {
  const n = num(v);
  return n === null ? '' : ` (${plural(n, one, many)}${after})`;
};

/** The editable fields of each kind in Dutch, as the sentence names them ("gewijzigd: titel, samenvatting"). */
export const FIELD_NAMES: Partial<Record<AuditSubjectKind, Record<string, string>>> = {
  theme: {
    title: 'titel',
    slug: 'webadres',
    summary: 'samenvatting',
    bodyMd: 'tekst',
    reviewed: 'controledatum',
    published: 'op de site',
    keyFacts: 'kernfeiten',
    training: 'training',
    related: 'verwante thema’s',
    sources: 'bronnen',
  },
  organisation: {
    name: 'naam',
    slug: 'webadres',
    type: 'type organisatie',
    description: 'beschrijving',
    phone: 'telefoon',
    email: 'e-mailadres',
    website: 'website',
    address: 'adres',
    municipalities: 'gemeenten',
    themes: 'thema’s',
    demo: 'demo-gegevens',
    published: 'op de site',
  },
  source: { title: 'titel', organisation: 'organisatie', url: 'webadres', description: 'beschrijving', themes: 'thema’s' },
};

/** The changed fields by their Dutch names; a field we have no name for is counted, never shown as its id. */
export function fieldNames(kind: AuditSubjectKind, ids: unknown): string[] {
  if (!Array.isArray(ids)) return [];
  const names = FIELD_NAMES[kind] ?? {};
  const known = ids.flatMap((id) => (typeof id === 'string' && names[id] ? [names[id]] : []));
  const other = ids.length - known.length;
  return other ? [...known, other === 1 ? 'een ander veld' : `${other} andere velden`] : known;
}

/** ": titel, samenvatting" for a save that changed those; " zonder wijzigingen" for none; nothing for a row that did not record it. */
function changes(kind: AuditSubjectKind, d: Details): string {
  if (!Array.isArray(d.changed)) return ' gewijzigd';
  const names = fieldNames(kind, d.changed);
  return names.length ? ` gewijzigd: ${names.join(', ')}` : ' opgeslagen zonder wijzigingen';
}

const bundleCounts = (d: Details) => {
  const part = (v: unknown, one: string, many: string) => {
    if (num(v) !== null) return plural(num(v) as number, one, many);
    if (v && typeof v === 'object') {
      const k = v as Record<string, unknown>;
      return `${many}: ${num(k.new) ?? 0} nieuw, ${num(k.changed) ?? 0} gewijzigd`;
    }
    return null;
  };
  const list = [part(d.themes, 'thema', 'thema’s'), part(d.sources, 'bron', 'bronnen'), part(d.organisations, 'organisatie', 'organisaties')].filter(Boolean);
  return list.length ? ` (${list.join('; ')})` : '';
};

const asRole = (role: unknown) => (role === 'beheerder' || role === 'redacteur' ? ` als ${role}` : '');

const ATTENDANCE: Record<string, string> = { aanwezig: 'aanwezig', deels: 'deels aanwezig', afwezig: 'afwezig' };

// ---------------------------------------------------------------- the table

const S = SUBJECT;
const L = LABEL;
const simple = (title: string, after: string): ActionText => ({ title, say: () => [S, after] });

export const ACTIONS = {
  login: { title: 'Ingelogd', say: (_d, has) => (has ? ['Ingelogd als ', L] : ['Ingelogd']) },
  'login.failed': {
    title: 'Inloggen mislukt',
    say: (_d, has) => (has ? ['Inloggen mislukt voor ', S] : ['Inloggen mislukt met een onbekend e-mailadres']),
  },
  logout: { title: 'Uitgelogd', say: (_d, has) => (has ? ['Uitgelogd als ', L] : ['Uitgelogd']) },
  'user.first-admin': { title: 'Eerste beheerder aangemaakt', say: () => ['Eerste beheerder aangemaakt: ', S] },
  'user.invited': {
    title: 'Iemand uitgenodigd',
    say: (d) => ['Uitnodiging verstuurd aan ', L, asRole(d.role)],
  },
  'user.reinvited': {
    title: 'Uitgeschakeld account opnieuw uitgenodigd',
    say: (d) => [S, ' opnieuw uitgenodigd', asRole(d.role)],
  },
  'user.accepted-invite': {
    title: 'Uitnodiging aangenomen',
    say: (d) => (d.reinvited ? [S, ' weer in gebruik genomen via een uitnodiging'] : [S, ' aangemaakt via een uitnodiging']),
  },
  'user.disabled': simple('Account uitgeschakeld', ' uitgeschakeld'),
  'user.enabled': simple('Account ingeschakeld', ' weer ingeschakeld'),
  'user.password-changed': { title: 'Wachtwoord gewijzigd', say: () => ['Wachtwoord van ', S, ' gewijzigd'] },
  'user.reset-requested': { title: 'Nieuw wachtwoord aangevraagd', say: () => ['Nieuw wachtwoord aangevraagd voor ', S] },
  'user.password-reset': { title: 'Nieuw wachtwoord gekozen via link', say: () => ['Nieuw wachtwoord gekozen via de link voor ', S] },

  'organisation.created': {
    title: 'Organisatie aangemaakt',
    say: (d) => [S, ' aangemaakt', d.published === true ? ' en gepubliceerd' : d.published === false ? ' (nog niet op de site)' : ''],
  },
  'organisation.updated': { title: 'Organisatie gewijzigd', say: (d) => [S, changes('organisation', d)] },
  'organisation.published': simple('Organisatie gepubliceerd', ' gepubliceerd'),
  'organisation.unpublished': simple('Organisatie teruggetrokken', ' teruggetrokken van de site'),
  'organisation.deleted': simple('Organisatie verwijderd', ' verwijderd'),

  'theme.created': simple('Thema aangemaakt', ' aangemaakt'),
  'theme.updated': { title: 'Thema gewijzigd', say: (d) => [S, changes('theme', d)] },
  'theme.published': simple('Thema gepubliceerd', ' gepubliceerd'),
  'theme.unpublished': simple('Thema teruggetrokken', ' teruggetrokken van de site'),
  'theme.moved': {
    title: 'Volgorde van thema’s gewijzigd',
    say: (d) => [S, d.direction === 'up' ? ' een plaats naar voren gezet' : d.direction === 'down' ? ' een plaats naar achteren gezet' : ' verplaatst'],
  },
  // Written by an older version of the theme editor; a restore is now a theme.updated.
  'theme.restored': { title: 'Eerdere versie van thema teruggezet', say: () => ['Eerdere versie van ', S, ' teruggezet'] },
  'theme.deleted': simple('Thema verwijderd', ' verwijderd'),

  'source.created': simple('Bron aangemaakt', ' aangemaakt'),
  'source.updated': { title: 'Bron gewijzigd', say: (d) => [S, changes('source', d)] },
  'source.url_adopted': {
    title: 'Nieuw adres van bron overgenomen',
    say: (d) => ['Nieuw adres van ', S, ' overgenomen', str(d.to) ? `: ${str(d.to)}` : ''],
  },
  'source.deleted': {
    title: 'Bron verwijderd',
    say: (d) => [S, ' verwijderd', Array.isArray(d.themes) && d.themes.length ? ` (ook uit ${plural(d.themes.length, 'thema', 'thema’s')})` : ''],
  },

  'training.created': simple('Training aangemaakt', ' aangemaakt'),
  'training.updated': simple('Training gewijzigd', ' gewijzigd'),

  'session.created': {
    title: 'Sessie aangemaakt',
    say: (d) => [S, ' aangemaakt', d.published === false ? ' (concept, nog niet op de site)' : ''],
  },
  'session.published': simple('Sessie gepubliceerd', ' gepubliceerd'),
  'session.unpublished': simple('Sessie teruggetrokken', ' teruggetrokken van de site'),
  'session.updated': {
    title: 'Sessie gewijzigd',
    say: (d) => [
      S,
      ' gewijzigd',
      d.moved === true ? ': nieuwe tijd of plaats' : '',
      num(d.capacity) !== null ? ` (${plural(num(d.capacity) as number, 'plaats', 'plaatsen')})` : '',
    ],
  },
  'session.cancelled': { title: 'Sessie geannuleerd', say: (d) => [S, ' geannuleerd', counted(d.mailed, 'persoon', 'mensen', ' gemaild')] },
  'session.attendance': {
    title: 'Aanwezigheid vastgelegd',
    say: (d) => ['Aanwezigheid vastgelegd voor ', S, counted(d.present, 'persoon', 'mensen', ' aanwezig')],
  },
  'session.certificates': { title: 'Certificaten verstuurd', say: (d) => ['Certificaten verstuurd voor ', S, counted(d.sent, 'certificaat', 'certificaten')] },
  'session.message': {
    title: 'Bericht aan deelnemers verstuurd',
    say: (d) => [
      str(d.subject) ? `Bericht ‘${str(d.subject)}’` : 'Bericht',
      ' verstuurd aan de deelnemers van ',
      S,
      counted(d.recipients, 'ontvanger', 'ontvangers'),
    ],
  },

  'registration.moved': { title: 'Aanmelding verplaatst', say: () => [S, ' verplaatst naar een andere sessie'] },
  'registration.cancelled-by-editor': { title: 'Aanmelding geannuleerd door de redactie', say: () => [S, ' geannuleerd door de redactie'] },
  'registration.deleted-by-registrant': {
    title: 'Deelnemer heeft eigen gegevens verwijderd',
    say: () => ['De deelnemer heeft de gegevens van ', S, ' verwijderd'],
  },
  'registration.attendance': {
    title: 'Aanwezigheid van een deelnemer vastgelegd',
    say: (d) => ['Aanwezigheid vastgelegd voor ', S, ATTENDANCE[str(d.attendance)] ? `: ${ATTENDANCE[str(d.attendance)]}` : ''],
  },
  'registration.checked-in': { title: 'Deelnemer zelf ingecheckt', say: () => [S, ' zelf ingecheckt met de QR-code'] },
  'registrations.anonymised': {
    title: 'Oude aanmeldingen geanonimiseerd',
    say: (d, has) => [
      num(d.count) !== null ? plural(num(d.count) as number, 'oude aanmelding', 'oude aanmeldingen') : has ? L : 'Oude aanmeldingen',
      ' geanonimiseerd',
      num(d.retentionMonths) !== null ? ` (bewaartermijn ${plural(num(d.retentionMonths) as number, 'maand', 'maanden')})` : '',
    ],
  },
  'registrations.exported': { title: 'Deelnemerslijst gedownload', say: () => ['Deelnemerslijst van ', S, ' gedownload'] },
  'evaluation.exported': { title: 'Evaluatie gedownload', say: () => ['Antwoorden op de evaluatie van ', S, ' gedownload'] },
  'accreditation.exported': {
    title: 'Accreditatielijst gedownload',
    say: (d) => ['Accreditatielijst', registerName(str(d.register)) ? ` voor ${registerName(str(d.register))}` : '', ' van ', S, ' gedownload'],
  },

  'bundle.exported': { title: 'Inhoud geëxporteerd', say: (d) => ['Inhoud geëxporteerd als ', S, bundleCounts(d)] },
  'bundle.imported': { title: 'Inhoud geïmporteerd', say: (d) => [S, ' geïmporteerd', bundleCounts(d)] },
} satisfies Record<string, ActionText>;

export type AuditAction = keyof typeof ACTIONS;
export const isAuditAction = (v: string): v is AuditAction => Object.hasOwn(ACTIONS, v);

/** The action's title in Dutch; an action no code writes any more (or a test's) reads as such, not as its code. */
export const actionTitle = (action: string) => (isAuditAction(action) ? ACTIONS[action].title : `Onbekende handeling (${action})`);

// ---------------------------------------------------------------- subjects

const NOUN: Record<AuditSubjectKind, string> = {
  theme: 'thema',
  organisation: 'organisatie',
  source: 'bron',
  training: 'training',
  session: 'sessie',
  registration: 'aanmelding',
  user: 'account',
  bundle: 'bundel',
};

/**
 * The subject as a noun phrase: "thema ‘Hechting’", "sessie ‘Basistraining’ op 4-12-2026", "account
 * piet@example.nl". Without a label (an old row whose thing is gone), "thema 12"; without a kind, the label.
 */
export function subjectPhrase(kind: AuditSubjectKind | null, id: number | null, label: string): string {
  if (!kind) return label;
  if (!label) return id === null ? NOUN[kind] : `${NOUN[kind]} ${id}`;
  switch (kind) {
    case 'theme':
    case 'organisation':
    case 'source':
    case 'training':
      return `${NOUN[kind]} ‘${label}’`;
    case 'session':
    case 'user':
      return `${NOUN[kind]} ${label}`;
    case 'bundle':
      // Rows before subjects had kinds said just "bundel".
      return label === 'bundel' ? 'bundel' : `bundel ‘${label}’`;
    case 'registration':
      return label;
  }
}

export interface SentenceRow {
  action: string;
  subject: string;
  subjectKind: AuditSubjectKind | null;
  subjectId: number | null;
  details: Details;
}

/** An old row that could not be resolved (a training slug or an address that is gone) still reads as its kind. */
const ACTION_KIND: Record<string, AuditSubjectKind> = {
  theme: 'theme',
  organisation: 'organisation',
  source: 'source',
  training: 'training',
  session: 'session',
  user: 'user',
};
const kindOfAction = (action: string): AuditSubjectKind | null => ACTION_KIND[action.split('.')[0] ?? ''] ?? null;

/** A piece of a row's sentence: plain text, or the subject (the log links it while the thing exists). */
export interface SentencePart {
  text: string;
  subject?: true;
}

/** One row of the log as a Dutch sentence in parts, the subject marked where it stands. */
export function sentence(r: SentenceRow): SentencePart[] {
  const has = !!(r.subject || r.subjectKind);
  const pieces: Piece[] = isAuditAction(r.action)
    ? ACTIONS[r.action].say(r.details ?? {}, has)
    : [`Onbekende handeling (${r.action})`, ...(has ? [': ', SUBJECT] : [])];
  const out = pieces.flatMap((p): SentencePart[] => {
    if (typeof p === 'string') return p ? [{ text: p }] : [];
    const text = p === SUBJECT ? subjectPhrase(r.subjectKind ?? kindOfAction(r.action), r.subjectId, r.subject) : r.subject;
    return text ? [{ text, subject: true }] : [];
  });
  const first = out[0];
  // A sentence starts with a capital; a bare label (an e-mail address) stays as it is written.
  if (first && pieces.find((p) => p !== '') !== LABEL) first.text = first.text.charAt(0).toLocaleUpperCase('nl') + first.text.slice(1);
  return out;
}

export const sentenceText = (r: SentenceRow) =>
  sentence(r)
    .map((p) => p.text)
    .join('');
