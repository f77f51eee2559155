import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  customType,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const appSettings = pgTable('app_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const themes = pgTable(
  'themes',
  {
    id: serial('id').primaryKey(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    bodyMd: text('body_md').notNull(),
    position: integer('position').notNull().default(0),
    reviewed: date('reviewed', { mode: 'string' }).notNull(),
    published: boolean('published').notNull().default(true),
    keyFacts: jsonb('key_facts').$type<string[]>().notNull().default([]),
    training: jsonb('training').$type<{ title: string; text: string } | null>(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('themes_slug_key').on(t.slug), check('themes_slug_format', sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)],
);

/** What the link checker last found for a source (the check constraint below lists the same). */
export type CheckResult = 'ok' | 'redirect' | 'broken' | 'unreachable';

export const sources = pgTable(
  'sources',
  {
    id: serial('id').primaryKey(),
    url: text('url').notNull(),
    title: text('title').notNull(),
    organisation: text('organisation').notNull(),
    description: text('description').notNull().default(''),
    // The version for optimistic locking: every write moves it forward.
    updatedAt: ts('updated_at').notNull().defaultNow(),
    // The link checker's last answer for this URL.
    checkedAt: ts('checked_at'),
    checkStatus: integer('check_status'),
    checkResult: text('check_result').$type<CheckResult>(),
    redirectTo: text('redirect_to'),
    checkError: text('check_error'),
  },
  (t) => [
    uniqueIndex('sources_url_key').on(t.url),
    check('sources_check_result_valid', sql`${t.checkResult} is null or ${t.checkResult} in ('ok', 'redirect', 'broken', 'unreachable')`),
  ],
);

export const themeSources = pgTable(
  'theme_sources',
  {
    themeId: integer('theme_id')
      .notNull()
      .references(() => themes.id, { onDelete: 'cascade' }),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    position: integer('position').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.themeId, t.sourceId] })],
);

export const themeRelations = pgTable(
  'theme_relations',
  {
    themeId: integer('theme_id')
      .notNull()
      .references(() => themes.id, { onDelete: 'cascade' }),
    relatedId: integer('related_id')
      .notNull()
      .references(() => themes.id, { onDelete: 'cascade' }),
    position: integer('position').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.themeId, t.relatedId] }), check('theme_relations_not_self', sql`${t.themeId} <> ${t.relatedId}`)],
);

export const pages = pgTable('pages', {
  slug: text('slug').primaryKey(),
  title: text('title').notNull(),
  summary: text('summary').notNull(),
  bodyMd: text('body_md').notNull(),
  reviewed: date('reviewed', { mode: 'string' }).notNull(),
});

/**
 * The search's GIN indexes are written entry by entry (fastupdate off, migration 0026). With PostgreSQL's
 * default, a write only appends to the index's list of pending entries, and every search reads that
 * whole list until a vacuum empties it; the documents and words change only when content does, so
 * that list grew with each edit and each start and was read by every search (up to 4 MB of it).
 */
const GIN = { fastupdate: false } as const;
/**
 * One full-text index for every kind of document (themes, sources, trainings, organisations), so
 * /zoeken ranks them together. `body` is prose in blocks (headings, paragraphs, list items)
 * separated by a blank line; `labels` holds searchable words that are not prose (type, address,
 * municipalities, theme titles): found, never shown as a snippet.
 */
export const searchDocuments = pgTable(
  'search_documents',
  {
    kind: text('kind').notNull(),
    ref: text('ref').notNull(),
    title: text('title').notNull(),
    url: text('url').notNull(),
    summary: text('summary').notNull().default(''),
    body: text('body').notNull().default(''),
    labels: text('labels').notNull().default(''),
    /**
     * What the document is, as its result shows it: its kind ("Training") and, for an organisation, its
     * type ("Huisarts"). Ranked with the title (migrations 0018, 0021): "training" finds the trainings
     * and "huisarts" the practice first, not the pages that mention the word somewhere.
     */
    category: text('category').notNull().default(''),
    tsv: tsvector('tsv')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('dutch'::regconfig, coalesce(summary, '')), 'B') || setweight(to_tsvector('dutch'::regconfig, coalesce(category, '')), 'B') || setweight(to_tsvector('dutch'::regconfig, coalesce(body, '')), 'C') || setweight(to_tsvector('dutch'::regconfig, coalesce(labels, '')), 'D')`,
      ),
    /** The title alone: among the title matches, a short title that is all query ranks before a long one (migrations 0016, 0021). */
    titleTsv: tsvector('title_tsv').notNull().generatedAlwaysAs(sql`setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A')`),
    /**
     * What names the document: its title, and (weight B) its category. The matches ranked first are
     * found through its index, an organisation whose type is the query among them (migration 0021).
     */
    nameTsv: tsvector('name_tsv')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('dutch'::regconfig, coalesce(category, '')), 'B')`,
      ),
    /**
     * The words the body says more than once, with their places: how much a page says about a word,
     * small enough to weigh for every title match (migration 0021, function search_repeated).
     */
    bodyTerms: tsvector('body_terms').notNull().generatedAlwaysAs(sql`search_repeated(to_tsvector('dutch'::regconfig, coalesce(body, '')))`),
    /** Title, summary and category: the matches ranked next, found through their own small index (migrations 0016, 0018). */
    headTsv: tsvector('head_tsv')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('dutch'::regconfig, coalesce(summary, '')), 'B') || setweight(to_tsvector('dutch'::regconfig, coalesce(category, '')), 'B')`,
      ),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.ref] }),
    // Every GIN index here without a list of pending entries (migration 0026): see GIN below.
    index('search_documents_tsv_idx').using('gin', t.tsv).with(GIN),
    index('search_documents_name_tsv_idx').using('gin', t.nameTsv).with(GIN),
    index('search_documents_head_tsv_idx').using('gin', t.headTsv).with(GIN),
    /** Suggestions while typing: titles by trigram (pg_trgm, migration 0016). */
    index('search_documents_title_trgm_idx').using('gin', t.title.op('gin_trgm_ops')).with(GIN),
  ],
);

/**
 * The words of every search document (lower case, as written, not stemmed) with how many documents
 * hold each: the vocabulary a misspelt word is corrected from, by trigram similarity. Kept by
 * statement triggers on search_documents (migration 0016), never written by the app itself.
 */
export const searchWords = pgTable(
  'search_words',
  {
    word: text('word').primaryKey(),
    docs: integer('docs').notNull(),
  },
  (t) => [
    index('search_words_trgm_idx').using('gin', t.word.op('gin_trgm_ops')).with(GIN),
    // The words a part typed starts ("hech": hechting, hechtingsproblemen), by their byte order (migration 0023).
    index('search_words_prefix_idx').using('btree', t.word.op('text_pattern_ops')),
  ],
);

/**
 * A search document cut into short overlapping passages (the summary, then windows of the body's
 * words), so a result's snippet is made from one short passage instead of the whole text. Kept by a
 * trigger on search_documents (migration 0005), never written by the app itself.
 */
export const searchPassages = pgTable(
  'search_passages',
  {
    kind: text('kind').notNull(),
    ref: text('ref').notNull(),
    n: integer('n').notNull(),
    text: text('text').notNull(),
    tsv: tsvector('tsv').notNull().generatedAlwaysAs(sql`to_tsvector('dutch'::regconfig, text)`),
    /** The lexemes of each word of `text`, for marking a snippet's words in the app (migration 0010). */
    lexemes: text('lexemes').notNull().generatedAlwaysAs(sql`search_word_lexemes(text)`),
    /** The passage starts a block (a heading, a paragraph): its snippet needs no leading ellipsis (migration 0016). */
    lead: boolean('lead').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.ref, t.n] }),
    foreignKey({ columns: [t.kind, t.ref], foreignColumns: [searchDocuments.kind, searchDocuments.ref] })
      .onDelete('cascade')
      .onUpdate('cascade'),
  ],
);

export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    passwordHash: text('password_hash'),
    disabledAt: ts('disabled_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    check('users_role_valid', sql`${t.role} in ('beheerder', 'redacteur')`),
    check('users_email_lower', sql`${t.email} = lower(${t.email})`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** One-time links: first administrator and invitations. Only the hash of the token is kept. */
export const loginTokens = pgTable(
  'login_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    /** A stable name for the link: an invitation's mail names it, and its token is made when the mail is sent. */
    id: serial('id').notNull(),
    purpose: text('purpose').notNull(),
    email: text('email'),
    role: text('role').notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [
    check('login_tokens_purpose_valid', sql`${t.purpose} in ('first-admin', 'invite', 'reset')`),
    check('login_tokens_role_valid', sql`${t.role} in ('beheerder', 'redacteur')`),
    uniqueIndex('login_tokens_id_key').on(t.id),
  ],
);

/** Failed logins per key (an email or a client address), shared by every instance. */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStart: ts('window_start').notNull().defaultNow(),
  lockedUntil: ts('locked_until'),
});

/** The kinds of thing an audit row can be about; the database refuses any other. */
export const AUDIT_SUBJECT_KINDS = ['theme', 'organisation', 'source', 'training', 'session', 'registration', 'user', 'bundle'] as const;
export type AuditSubjectKind = (typeof AUDIT_SUBJECT_KINDS)[number];

export const auditLog = pgTable(
  'audit_log',
  {
    id: serial('id').primaryKey(),
    at: ts('at').notNull().defaultNow(),
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    /** What it was about, as a person read it then (a title, an e-mail address): shown when the thing is gone. */
    subject: text('subject').notNull().default(''),
    /** What it was about, as a reference: a kind (AUDIT_SUBJECT_KINDS) and that thing's id (none for a bundle). */
    subjectKind: text('subject_kind').$type<AuditSubjectKind>(),
    subjectId: integer('subject_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_subject_idx').on(t.subjectKind, t.subjectId),
    check('audit_log_subject_kind_valid', sql.raw(`"subject_kind" is null or "subject_kind" in (${AUDIT_SUBJECT_KINDS.map((v) => `'${v}'`).join(', ')})`)),
    check('audit_log_subject_id_has_kind', sql`${t.subjectId} is null or ${t.subjectKind} is not null`),
  ],
);

/**
 * Durable mail outbox: written in the transaction that causes the mail, sent by a worker. A personal
 * link stands in a mail only as a placeholder; its token is made when the mail is sent (see
 * src/mail/outbox.ts), so nothing here opens an account or a registration.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: serial('id').primaryKey(),
    to: text('to').notNull(),
    /** The registration the mail is about: deleted with its personal data. */
    registrationId: integer('registration_id').references((): AnyPgColumn => registrations.id, { onDelete: 'cascade' }),
    /** Only beheerders may read it at /beheer/mail (invitations). */
    restricted: boolean('restricted').notNull().default(false),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    attachments: jsonb('attachments').$type<{ filename: string; contentType: string; content: string; encoding?: 'base64' }[]>().notNull().default([]),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    check('outbox_status_valid', sql`${t.status} in ('pending', 'sent', 'failed')`),
    index('outbox_pending_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('outbox_registration_idx').on(t.registrationId),
  ],
);

/** Fixed-window counters for rate limits, shared by every instance. */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: ts('window_start').notNull(),
  count: integer('count').notNull().default(0),
});

/** The professional registers a training can give points in; the database refuses any other value. */
export const REGISTER_CODES = ['vvn', 'skj', 'registerplein', 'big', 'knov', 'kckz'] as const;
export type RegisterCode = (typeof REGISTER_CODES)[number];

/** The registers a training can give points in, with how their numbers look. */
export const REGISTERS: Record<RegisterCode, { name: string; numberLabel: string }> = {
  vvn: { name: 'V&VN Kwaliteitsregister', numberLabel: 'registratienummer' },
  skj: { name: 'SKJ', numberLabel: 'SKJ-registratienummer' },
  registerplein: { name: 'Registerplein', numberLabel: 'registratienummer' },
  big: { name: 'KNMG/GAIA (BIG)', numberLabel: 'BIG-nummer' },
  knov: { name: 'KNOV', numberLabel: 'registratienummer' },
  kckz: { name: 'KCKZ', numberLabel: 'registratienummer' },
};
export const registerName = (code: string | null | undefined) => (code && code in REGISTERS ? REGISTERS[code as RegisterCode].name : '');
export const isRegister = (v: unknown): v is RegisterCode => typeof v === 'string' && (REGISTER_CODES as readonly string[]).includes(v);

export const trainings = pgTable(
  'trainings',
  {
    id: serial('id').primaryKey(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    descriptionMd: text('description_md').notNull().default(''),
    audience: jsonb('audience').$type<string[]>().notNull().default([]),
    themes: jsonb('themes').$type<string[]>().notNull().default([]),
    durationHours: integer('duration_hours').notNull(),
    accreditation: text('accreditation').notNull().default(''),
    /** The evaluation's questions; null: the default set (src/trainings/evaluation.ts). */
    evaluationQuestions: jsonb('evaluation_questions').$type<{ id: string; text: string; kind: 'scale' | 'open' }[]>(),
    published: boolean('published').notNull().default(true),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('trainings_slug_key').on(t.slug),
    check('trainings_slug_format', sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    check('trainings_duration_positive', sql`${t.durationHours} between 1 and 200`),
  ],
);

export const trainingSessions = pgTable(
  'training_sessions',
  {
    id: serial('id').primaryKey(),
    trainingId: integer('training_id')
      .notNull()
      .references(() => trainings.id, { onDelete: 'restrict' }),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    location: text('location').notNull(),
    online: boolean('online').notNull().default(false),
    capacity: integer('capacity').notNull(),
    registrationOpensAt: ts('registration_opens_at').notNull(),
    registrationClosesAt: ts('registration_closes_at').notNull(),
    cancelUntil: ts('cancel_until').notNull(),
    contact: text('contact').notNull().default(''),
    status: text('status').notNull().default('gepland'),
    /** iCalendar SEQUENCE: raised on every change that attendees' calendars must follow. */
    icsSequence: integer('ics_sequence').notNull().default(0),
    certificatesSentAt: ts('certificates_sent_at'),
    /**
     * On the public site (its page, the lists, the API, feeds and registration). A session made in
     * beheer starts as a draft (createSession); rows made otherwise, and those from before, are public.
     */
    published: boolean('published').notNull().default(true),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('training_sessions_training_idx').on(t.trainingId),
    check('training_sessions_capacity', sql`${t.capacity} between 1 and 10000`),
    check('training_sessions_times', sql`${t.endsAt} > ${t.startsAt}`),
    check('training_sessions_window', sql`${t.registrationClosesAt} > ${t.registrationOpensAt}`),
    check('training_sessions_status', sql`${t.status} in ('gepland', 'geannuleerd')`),
  ],
);

export const registrations = pgTable(
  'registrations',
  {
    id: serial('id').primaryKey(),
    sessionId: integer('session_id')
      .notNull()
      .references(() => trainingSessions.id, { onDelete: 'restrict' }),
    name: text('name'),
    email: text('email'),
    organisation: text('organisation'),
    role: text('role'),
    status: text('status').notNull(),
    holdExpiresAt: ts('hold_expires_at'),
    offerExpiresAt: ts('offer_expires_at'),
    /** Order on the waiting list: the moment someone joined it. */
    waitlistedAt: ts('waitlisted_at'),
    /** Full attendance: the certificate's condition. Kept equal to attendance = 'aanwezig'. */
    attended: boolean('attended').notNull().default(false),
    /** Marked on the day: aanwezig, deels (left early or came late), afwezig; null: not marked yet. */
    attendance: text('attendance'),
    checkedInAt: ts('checked_in_at'),
    /** The professional register the registrant wants points in, and their number there (optional). */
    register: text('register'),
    registerNumber: text('register_number'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    confirmedAt: ts('confirmed_at'),
    cancelledAt: ts('cancelled_at'),
    anonymisedAt: ts('anonymised_at'),
  },
  (t) => [
    index('registrations_session_idx').on(t.sessionId, t.status),
    // One live registration per person per session: a second attempt re-sends the link instead.
    uniqueIndex('registrations_one_active').on(t.sessionId, t.email).where(sql`${t.status} in ('held', 'confirmed', 'waitlisted', 'offered')`),
    check('registrations_status', sql`${t.status} in ('held', 'confirmed', 'waitlisted', 'offered', 'cancelled', 'expired')`),
    check('registrations_email_lower', sql`${t.email} is null or ${t.email} = lower(${t.email})`),
    check('registrations_attendance', sql`${t.attendance} is null or ${t.attendance} in ('aanwezig', 'deels', 'afwezig')`),
    check('registrations_attended_full', sql`${t.attended} = (${t.attendance} is not distinct from 'aanwezig')`),
    check('registrations_register_valid', sql.raw(`"register" is null or "register" in (${REGISTER_CODES.map((v) => `'${v}'`).join(', ')})`)),
    check('registrations_register_number', sql`(${t.register} is null) = (${t.registerNumber} is null)`),
  ],
);

/** The registers a training is accredited for, with its points there and the accreditation's id. */
export const trainingRegisters = pgTable(
  'training_registers',
  {
    trainingId: integer('training_id')
      .notNull()
      .references(() => trainings.id, { onDelete: 'cascade' }),
    register: text('register').notNull(),
    points: integer('points').notNull(),
    accreditationId: text('accreditation_id').notNull().default(''),
  },
  (t) => [
    primaryKey({ columns: [t.trainingId, t.register] }),
    check('training_registers_register_valid', sql.raw(`"register" in (${REGISTER_CODES.map((v) => `'${v}'`).join(', ')})`)),
    check('training_registers_points', sql`${t.points} between 1 and 100`),
  ],
);

/**
 * Proof of attendance for a register: who (name, register, number), what (training, date, points,
 * accreditation id) and the certificate's verification code. Copied from the registration when the
 * certificate is issued, so it outlives the registration's anonymisation (PROOF_RETENTION_YEARS).
 */
export const attendanceProofs = pgTable(
  'attendance_proofs',
  {
    id: serial('id').primaryKey(),
    registrationId: integer('registration_id').references(() => registrations.id, { onDelete: 'set null' }),
    sessionId: integer('session_id')
      .notNull()
      .references(() => trainingSessions.id, { onDelete: 'restrict' }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    register: text('register'),
    registerNumber: text('register_number'),
    trainingTitle: text('training_title').notNull(),
    sessionDate: ts('session_date').notNull(),
    hours: integer('hours').notNull(),
    points: integer('points'),
    accreditationId: text('accreditation_id'),
    issuedAt: ts('issued_at').notNull().defaultNow(),
    keepUntil: ts('keep_until').notNull(),
  },
  (t) => [
    uniqueIndex('attendance_proofs_code_key').on(t.code),
    uniqueIndex('attendance_proofs_registration_key').on(t.registrationId),
    index('attendance_proofs_session_idx').on(t.sessionId),
    index('attendance_proofs_keep_idx').on(t.keepUntil),
  ],
);

/**
 * One row per attendee invited to evaluate a session: its primary key makes the invitation happen
 * once. The link's token is made when the mail is sent (src/mail/outbox.ts); only its hash is kept.
 * `answeredAt` says a response came, never which one.
 */
export const evaluationInvites = pgTable(
  'evaluation_invites',
  {
    registrationId: integer('registration_id')
      .primaryKey()
      .references(() => registrations.id, { onDelete: 'cascade' }),
    sessionId: integer('session_id')
      .notNull()
      .references(() => trainingSessions.id, { onDelete: 'restrict' }),
    tokenHash: text('token_hash'),
    expiresAt: ts('expires_at').notNull(),
    invitedAt: ts('invited_at').notNull().defaultNow(),
    answeredAt: ts('answered_at'),
  },
  (t) => [uniqueIndex('evaluation_invites_token_key').on(t.tokenHash), index('evaluation_invites_session_idx').on(t.sessionId)],
);

/** Answers to an evaluation, without any link to who gave them (no registration, no time). */
export const evaluationResponses = pgTable(
  'evaluation_responses',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    sessionId: integer('session_id')
      .notNull()
      .references(() => trainingSessions.id, { onDelete: 'restrict' }),
    answers: jsonb('answers').$type<Record<string, number | string>>().notNull(),
  },
  (t) => [index('evaluation_responses_session_idx').on(t.sessionId)],
);

/** Links in mails: random, stored as a hash, one purpose each, expiring. */
export const registrationTokens = pgTable(
  'registration_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    registrationId: integer('registration_id')
      .notNull()
      .references(() => registrations.id, { onDelete: 'cascade' }),
    purpose: text('purpose').notNull(),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('registration_tokens_reg_idx').on(t.registrationId), check('registration_tokens_purpose', sql`${t.purpose} in ('confirm', 'manage')`)],
);

/** One row per reminder sent: the primary key makes each reminder happen once, whatever runs it. */
export const reminders = pgTable(
  'reminders',
  {
    registrationId: integer('registration_id')
      .notNull()
      .references(() => registrations.id, { onDelete: 'cascade' }),
    daysBefore: integer('days_before').notNull(),
    sentAt: ts('sent_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.registrationId, t.daysBefore] })],
);

/** Kinds of partner organisation in the network; the database refuses any other value. */
export const ORGANISATION_TYPES = [
  'JGZ',
  'kraamzorg',
  'verloskunde',
  'kinderopvang',
  'onderwijs',
  'wijkteam',
  'huisarts',
  'jeugdhulp',
  'Veilig Thuis',
  'GGZ',
  'politie',
  'anders',
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

/** Partner organisations of the region (/netwerk). `demo` marks the fictional ones loaded on first start. */
export const organisations = pgTable(
  'organisations',
  {
    id: serial('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    type: text('type').$type<OrganisationType>().notNull(),
    description: text('description').notNull(),
    phone: text('phone').notNull().default(''),
    email: text('email').notNull().default(''),
    website: text('website').notNull().default(''),
    address: text('address').notNull().default(''),
    municipalities: jsonb('municipalities').$type<string[]>().notNull().default([]),
    themes: jsonb('themes').$type<string[]>().notNull().default([]),
    published: boolean('published').notNull().default(true),
    demo: boolean('demo').notNull().default(false),
    // The version for optimistic locking: every write moves it forward.
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('organisations_slug_key').on(t.slug),
    check('organisations_slug_format', sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    check('organisations_type_valid', sql.raw(`"type" in (${ORGANISATION_TYPES.map((v) => `'${v}'`).join(', ')})`)),
    check('organisations_name_length', sql`char_length(${t.name}) between 2 and 150`),
    check('organisations_website_https', sql`${t.website} = '' or ${t.website} ~ '^https://'`),
    check('organisations_email_lower', sql`${t.email} = lower(${t.email})`),
    check('organisations_lists', sql`jsonb_typeof(${t.municipalities}) = 'array' and jsonb_typeof(${t.themes}) = 'array'`),
  ],
);

/**
 * Every saved version of an editable thing (a theme, an organisation, a source): a full snapshot
 * of its fields, with author and time, so editors can compare and restore.
 */
export const revisions = pgTable(
  'revisions',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').notNull(),
    ref: integer('ref').notNull(),
    at: ts('at').notNull().defaultNow(),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull().default('opgeslagen'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('revisions_subject_idx').on(t.kind, t.ref, t.id), check('revisions_kind_valid', sql`${t.kind} in ('theme', 'organisation', 'source')`)],
);

/**
 * Addresses a theme or an organisation had before its slug changed: the old address answers with
 * a permanent redirect to the current one (links in mails, bookmarks, search engines keep working).
 * A live slug always wins over a redirect of the same address.
 */
export const slugRedirects = pgTable(
  'slug_redirects',
  {
    kind: text('kind').notNull(),
    oldSlug: text('old_slug').notNull(),
    targetId: integer('target_id').notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.oldSlug] }), check('slug_redirects_kind_valid', sql`${t.kind} in ('theme', 'organisation')`)],
);
