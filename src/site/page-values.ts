import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, THROTTLE } from '../beheer/accounts.ts';
import type { Config } from '../config.ts';
import { renderMarkdown } from '../content/markdown.ts';
import type { SearchDocument } from '../search/service.ts';
import { formatDate } from '../themes/views.tsx';
import { REGISTRATION_LIMITS } from '../trainings/routes.tsx';

/**
 * Placeholders such as {{RETENTION_MONTHS}} in the pages of content/paginas, filled with what this
 * instance actually does: the privacy statement shows the configured retention periods and limits,
 * never numbers copied into the text that drift from the configuration.
 */
export const NOT_SET = 'nog in te vullen';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Text for Markdown: characters that would start markup are escaped, so a value shows as typed. */
const literal = (v: string) => v.replace(/[\\`*_[\]{}<>#|!~]/g, (ch) => `\\${ch}`);

export function pageValues(config: Config, page: { reviewed: string }): Record<string, string> {
  return {
    RETENTION_MONTHS: String(config.RETENTION_MONTHS),
    OUTBOX_RETENTION_MONTHS: String(config.OUTBOX_RETENTION_MONTHS),
    PROOF_RETENTION_YEARS: String(config.PROOF_RETENTION_YEARS),
    EVALUATION_MIN_RESPONSES: String(config.EVALUATION_MIN_RESPONSES),
    HOLD_MINUTES: String(config.HOLD_MINUTES),
    OFFER_HOURS: String(config.OFFER_HOURS),
    REGISTRATION_LIMIT: String(config.REGISTRATION_LIMIT),
    REGISTRATION_LIMIT_PER_EMAIL: String(REGISTRATION_LIMITS.perEmail),
    REGISTRATION_WINDOW_MINUTES: String(REGISTRATION_LIMITS.windowMs / MINUTE),
    LOGIN_WINDOW_MINUTES: String(THROTTLE.windowMs / MINUTE),
    LOGIN_LOCK_MINUTES: String(THROTTLE.lockMs / MINUTE),
    LOGIN_FAILURES: String(THROTTLE.perEmail),
    LOGIN_MAX_WAIT_SECONDS: String(THROTTLE.maxDelayMs / 1000),
    SESSION_IDLE_HOURS: String(SESSION_IDLE_MS / HOUR),
    SESSION_MAX_HOURS: String(SESSION_ABSOLUTE_MS / HOUR),
    PRIVACY_OFFICER: literal(config.PRIVACY_OFFICER ?? NOT_SET),
    REVIEWED_DATE: formatDate(page.reviewed),
    REMINDERS: remindersSentence(config.REMINDER_DAYS),
  };
}

/** When the reminders go out, as a sentence ("We sturen je een herinnering per mail: 7 dagen en 1 dag voor de bijeenkomst."). */
export function remindersSentence(days: readonly number[]): string {
  if (!days.length) return 'We sturen geen herinnering: zet de bijeenkomst dus zelf in je agenda.';
  const each = days.map((d) => (d === 1 ? '1 dag' : `${d} dagen`));
  if (each.length === 1) return `We sturen je ${each[0]} voor de bijeenkomst een herinnering per mail.`;
  return `We sturen je herinneringen per mail: ${each.slice(0, -1).join(', ')} en ${each.at(-1)} voor de bijeenkomst.`;
}

const PLACEHOLDER = /\{\{([A-Z_]+)\}\}/g;

/** The names of the placeholders in a text (to check content/ against the known ones). */
export const placeholdersIn = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);

/** Fills every known placeholder; an unknown one stays visible, so a typo is seen, not hidden. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

/** The pages of content/paginas the site shows, each at /<slug>. */
export const SITE_PAGES = ['over', 'privacy', 'toegankelijkheid', 'aanmelden'] as const;

/** The section of the navigation a page of the site belongs to, if any: how registering works, under Trainingen. */
export const SITE_PAGE_SECTION: Partial<Record<(typeof SITE_PAGES)[number], string>> = {
  aanmelden: '/trainingen',
};

/**
 * A page as a search document, filled as it is shown ("privacy", "bewaartermijn" find the privacy
 * statement). Its summary counts as body: pages about the site itself come after the content that
 * is about what was searched ("signalenlijst": the privacy statement's summary mentions it).
 */
export function pageSearchDocument(page: { slug: string; title: string; summary: string; bodyMd: string; reviewed: string }, config: Config): SearchDocument {
  const p = fillPage(page, config);
  return { kind: 'page', ref: p.slug, title: p.title, url: `/${p.slug}`, summary: '', body: [p.summary, renderMarkdown(p.bodyMd).blocks].join('\n\n') };
}

/** A page from content/paginas with its summary and body filled for this instance. */
export function fillPage<P extends { summary: string; bodyMd: string; reviewed: string }>(page: P, config: Config): P {
  const values = pageValues(config, page);
  return { ...page, summary: fillPlaceholders(page.summary, values), bodyMd: fillPlaceholders(page.bodyMd, values) };
}
