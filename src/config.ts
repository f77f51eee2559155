import { z } from 'zod';

/** Every environment variable the app reads, parsed and validated in one place. */
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const urlWithProtocols = (name: string, protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `${name} moet een URL zijn die begint met ${protocols.map((p) => `${p}//`).join(' of ')}`,
  );

const booleanish = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'], {
    message: 'toegestaan: true, false, 1, 0, yes, no',
  })
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const schema = z.object({
  PORT: z.coerce
    .number({ message: 'moet een getal zijn' })
    .int('moet een geheel getal zijn')
    .min(0, 'moet tussen 0 en 65535 liggen')
    .max(65535, 'moet tussen 0 en 65535 liggen')
    .default(3000),
  HOST: z
    .string()
    .min(1, 'mag niet leeg zijn')
    .regex(/^[A-Za-z0-9.:\-[\]]+$/, 'moet een hostnaam of IP-adres zijn')
    .default('127.0.0.1'),
  BASE_URL: urlWithProtocols('BASE_URL', ['http:', 'https:']).optional(),
  DATABASE_URL: urlWithProtocols('DATABASE_URL', ['postgres:', 'postgresql:']).optional(),
  DATA_DIR: z.string().min(1, 'mag niet leeg zijn').default('./data'),
  SMTP_URL: urlWithProtocols('SMTP_URL', ['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z
    .string()
    .regex(/^(?:[^<>]*<)?[^@\s<>]+@[^@\s<>]+\.?[^@\s<>]*>?$/, 'moet een e-mailadres zijn, bijvoorbeeld "Hechtwerk <noreply@voorbeeld.nl>"')
    .default('Hechtwerk <noreply@hechtwerk.localhost>'),
  LOG_LEVEL: z.enum(logLevels, { message: `toegestaan: ${logLevels.join(', ')}` }).default('info'),
  // How many proxies of our own stand before the app, each appending to X-Forwarded-For: the client
  // address is that many entries from the right. `true` (the old setting) means 1, `false` 0.
  TRUST_PROXY: z
    .enum(['true', 'false', 'yes', 'no', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], {
      message: 'toegestaan: het aantal eigen proxies voor de app (0 tot 9); true betekent 1, false 0',
    })
    .transform((v) => (v === 'true' || v === 'yes' ? 1 : v === 'false' || v === 'no' ? 0 : Number(v)))
    .default(0),
  // Minutes a seat is held after registering, until the e-mail address is confirmed: at most an hour,
  // so registrations nobody confirms (bots, typos) cannot keep seats from people who do confirm.
  HOLD_MINUTES: z.coerce
    .number({ message: 'moet een getal zijn' })
    .int('moet een geheel getal zijn')
    .min(5, 'moet tussen 5 en 60 liggen')
    .max(60, 'moet tussen 5 en 60 liggen')
    .default(30),
  // At most this share (percent) of a session's seats is held for unconfirmed registrations at once
  // (a session of up to 5 seats may be held in full); the others wait for their confirmation without a seat.
  HOLD_MAX_PERCENT: z.coerce
    .number({ message: 'moet een getal zijn' })
    .int('moet een geheel getal zijn')
    .min(10, 'moet tussen 10 en 100 liggen')
    .max(100, 'moet tussen 10 en 100 liggen')
    .default(34),
  OFFER_HOURS: z.coerce
    .number({ message: 'moet een getal zijn' })
    .int('moet een geheel getal zijn')
    .min(1, 'moet tussen 1 en 336 liggen')
    .max(336, 'moet tussen 1 en 336 liggen')
    .default(48),
  REMINDER_DAYS: z
    .string()
    .regex(/^\s*\d{1,2}(\s*,\s*\d{1,2})*\s*$/, 'moet een lijst van dagen zijn, zoals 7,1')
    .default('7,1')
    .transform((v) => [...new Set(v.split(',').map((d) => Number(d.trim())))].filter((d) => d > 0).sort((a, b) => b - a)),
  REGISTRATION_LIMIT: z.coerce
    .number({ message: 'moet een getal zijn' })
    .int('moet een geheel getal zijn')
    .min(1, 'moet tussen 1 en 100000 liggen')
    .max(100_000, 'moet tussen 1 en 100000 liggen')
    .default(30),
  RETENTION_MONTHS: z.coerce
    .number({ message: 'moet een getal zijn' })
    .int('moet een geheel getal zijn')
    .min(1, 'moet tussen 1 en 120 liggen')
    .max(120, 'moet tussen 1 en 120 liggen')
    .default(12),
  // Years the proof of attendance for a register (name, register, number, training, date, points) is kept.
  PROOF_RETENTION_YEARS: z.coerce
    .number({ message: 'moet een getal zijn' })
    .int('moet een geheel getal zijn')
    .min(1, 'moet tussen 1 en 30 liggen')
    .max(30, 'moet tussen 1 en 30 liggen')
    .default(5),
  // Responses a session's evaluation needs before its results are shown (fewer could name people).
  EVALUATION_MIN_RESPONSES: z.coerce
    .number({ message: 'moet een getal zijn' })
    .int('moet een geheel getal zijn')
    .min(1, 'moet tussen 1 en 100 liggen')
    .max(100, 'moet tussen 1 en 100 liggen')
    .default(5),
  // Months a mail stays in the outbox after it was sent (or given up on); then it is deleted.
  OUTBOX_RETENTION_MONTHS: z.coerce
    .number({ message: 'moet een getal zijn' })
    .int('moet een geheel getal zijn')
    .min(1, 'moet tussen 1 en 120 liggen')
    .max(120, 'moet tussen 1 en 120 liggen')
    .default(3),
  LINKCHECK_TIMEOUT_MS: z.coerce
    .number({ message: 'moet een getal zijn' })
    .int('moet een geheel getal zijn')
    .min(500, 'moet tussen 500 en 60000 liggen')
    .max(60_000, 'moet tussen 500 en 60000 liggen')
    .default(10_000),
  LINKCHECK_CONCURRENCY: z.coerce
    .number({ message: 'moet een getal zijn' })
    .int('moet een geheel getal zijn')
    .min(1, 'moet tussen 1 en 32 liggen')
    .max(32, 'moet tussen 1 en 32 liggen')
    .default(4),
  // Searches running in the database at once (the rest wait their turn, see src/search/gate.ts).
  // Default: one more than this machine's cores (measured best here with the database on the same machine).
  SEARCH_CONCURRENCY: z.coerce
    .number({ message: 'moet een getal zijn' })
    .int('moet een geheel getal zijn')
    .min(1, 'moet tussen 1 en 256 liggen')
    .max(256, 'moet tussen 1 en 256 liggen')
    .optional(),
  // Memory for rendered public pages per instance (src/http/page-cache.ts), in MB; 0 turns the cache off.
  PAGE_CACHE_MB: z.coerce
    .number({ message: 'moet een getal zijn' })
    .int('moet een geheel getal zijn')
    .min(0, 'moet tussen 0 en 4096 liggen')
    .max(4096, 'moet tussen 0 en 4096 liggen')
    .default(32),
  // Only for a network whose sources live on its own intranet: lets the link checker reach private addresses.
  LINKCHECK_ALLOW_PRIVATE: booleanish.default(false),
  // The region this network serves, shown beside the wordmark in every page's header.
  SITE_REGION: z.string().trim().min(2, 'moet minstens 2 tekens lang zijn').max(40, 'mag hoogstens 40 tekens lang zijn').default('Regio Zuidoost'),
  // Optional logo beside the wordmark: a path on this site's own address (the CSP allows images from 'self' only), e.g. /huisstijl/logo.svg.
  SITE_LOGO: z
    .string()
    .regex(/^\/(?!\/)[\w\-./]+\.(svg|png|webp)$/, 'moet een pad op deze site naar een .svg, .png of .webp zijn, bijvoorbeeld /huisstijl/logo.svg')
    .optional(),
  // How to reach the data-protection officer (functionaris gegevensbescherming), shown in the privacy statement.
  PRIVACY_OFFICER: z.string().trim().min(5, 'moet minstens 5 tekens lang zijn').max(200, 'mag hoogstens 200 tekens lang zijn').optional(),
});

export type Config = z.infer<typeof schema> & { baseUrl: string; secure: boolean };

export class ConfigError extends Error {}

/** Parses an environment; throws ConfigError naming each bad variable and what is allowed. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const result = schema.safeParse(picked);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      return `${name}=${JSON.stringify(picked[name] ?? '')}: ${issue.message}`;
    });
    // One line, for a log or a supervisor's status: every bad variable, what is allowed.
    throw new ConfigError(`Ongeldige configuratie: ${lines.join('; ')}`);
  }
  const c = result.data;
  const baseUrl = (c.BASE_URL ?? `http://${c.HOST.includes(':') ? `[${c.HOST}]` : c.HOST}:${c.PORT}`).replace(/\/+$/, '');
  return { ...c, baseUrl, secure: baseUrl.startsWith('https:') };
}
