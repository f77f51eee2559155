import { type LookupAddress, lookup as systemLookup } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { and, asc, eq, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config.ts';
import { normaliseUrl } from '../content/url.ts';
import type { Db, Queryable } from '../db/client.ts';
import type { CheckResult } from '../db/schema.ts';
import { appSettings, sources } from '../db/schema.ts';

export type { CheckResult };

/** What one check found; stored per source as check_result, check_status, redirect_to, check_error. */
export interface CheckOutcome {
  result: CheckResult;
  /** The HTTP status that decided the result (the first hop's 3xx for a redirect), if any answer came. */
  status: number | null;
  /** Where a redirect leads: the last address of the chain, absolute. */
  redirectTo: string | null;
  /** A short Dutch explanation for editors, when the link does not simply work. */
  error: string | null;
}

export interface CheckOptions {
  /** The whole check of one URL (DNS, every redirect hop, the GET fallback) ends within this time. */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Off in production: a URL whose host is (or resolves to) a loopback, private or link-local
   * address is refused, so the checker cannot be used to probe the internal network.
   */
  allowPrivateHosts?: boolean;
  userAgent?: string;
  /** Redirect hops followed to find the final address. */
  maxRedirects?: number;
  /** How names are resolved: the system's resolver unless a test gives its own. */
  resolve?: Resolver;
}

/** dns.lookup's shape with `all: true`: every address of a name. */
export type Resolver = (hostname: string, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;
const systemResolver: Resolver = (hostname, callback) => systemLookup(hostname, { all: true, verbatim: true }, callback);

export const DEFAULT_USER_AGENT = 'Hechtwerk-linkcontrole/1.0';
export const userAgentFor = (baseUrl: string) => `${DEFAULT_USER_AGENT} (+${baseUrl})`;

/** A check of all links stops starting new checks after this long; the rest waits for the next run. */
export const MAX_RUN_MS = 10 * 60_000;

/** The checker's limits from the configuration (LINKCHECK_*), with the clock. */
export const linkCheckSettings = (config: Config, now: () => Date) => ({
  timeoutMs: config.LINKCHECK_TIMEOUT_MS,
  concurrency: config.LINKCHECK_CONCURRENCY,
  allowPrivateHosts: config.LINKCHECK_ALLOW_PRIVATE,
  userAgent: userAgentFor(config.baseUrl),
  maxDurationMs: MAX_RUN_MS,
  now,
});

const REDIRECT = new Set([301, 302, 303, 307, 308]);
const MESSAGE_MAX = 300;

// ---------------------------------------------------------------- addresses we never contact

/**
 * Address classes come from ipaddr.js (a maintained list of the IANA special-purpose registries),
 * not from ranges of our own: only plain global unicast is contacted. IPv6 forms that carry an IPv4
 * address (IPv4-mapped ::ffff:0:0/96, the deprecated IPv4-compatible ::/96, SIIT ::ffff:0:0:0/96,
 * NAT64 64:ff9b::/96, 6to4 2002::/16) are judged on the IPv4 address inside, so ::ffff:7f00:1,
 * 64:ff9b::a00:1 and 2002:a9fe:a9fe:: are as internal as 127.0.0.1, 10.0.0.1 and 169.254.169.254.
 * Teredo and local-use NAT64 (64:ff9b:1::/48) hide where they lead: refused.
 */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

function embeddedIpv4(ip: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = ip.parts as number[];
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  const range = ip.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || ip.match(IPV4_COMPATIBLE) || ip.match(NAT64_WELL_KNOWN)) return v4(p[6] as number, p[7] as number);
  if (range === '6to4') return v4(p[1] as number, p[2] as number);
  return null;
}

/** True for loopback, private, link-local, multicast, reserved and every other non-public address (IPv4, IPv6, IPv6 that embeds IPv4), and for anything not an address. */
export function isPrivateAddress(address: string): boolean {
  const text = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(text)) return true;
  const ip = ipaddr.parse(text);
  if (ip.kind() === 'ipv4') return ip.range() !== 'unicast';
  const inner = embeddedIpv4(ip as ipaddr.IPv6);
  if (inner) return inner.range() !== 'unicast';
  return ip.range() !== 'unicast';
}

class Refused extends Error {}
const INTERNAL = 'Dit adres wijst naar een intern netwerk. Dat controleren we niet.';

/**
 * A lookup for the connection itself that refuses a name resolving to any non-public address. It
 * runs as the socket connects, on the very addresses it will connect to: a DNS server answering
 * with a public address for a first lookup and an internal one for the next (DNS rebinding) is
 * refused as well.
 */
export function publicOnlyLookup(resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (err, found) => {
      if (err) return callback(err, '', 0);
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
      const addresses = family ? found.filter((a) => a.family === family) : found;
      if (!addresses.length) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      if (addresses.some((a) => isPrivateAddress(a.address))) return callback(new Refused(INTERNAL), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/**
 * Refuses a host that is, or resolves to, a non-public address before anything is sent: an editor,
 * or a redirect, pointing the checker at the internal network gets a clear reason at once. A name
 * is resolved and judged by the same lookup the connection then uses again (publicOnlyLookup).
 */
async function assertPublicHost(hostname: string, signal: AbortSignal, lookup: LookupFunction): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    if (isPrivateAddress(host)) throw new Refused(INTERNAL);
    return;
  }
  await Promise.race([
    new Promise<void>((ok, fail) => lookup(host, { all: true }, (err) => (err ? fail(err) : ok()))),
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    }),
  ]);
}

// ---------------------------------------------------------------- one URL

const seconds = (ms: number) => (ms / 1000).toLocaleString('nl-NL', { maximumFractionDigits: 1 });

function codeOf(err: unknown): string {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 6; e = e.cause as typeof e, i++)
    if (typeof e.code === 'string') return e.code;
  return '';
}

/** A short Dutch sentence for why no answer came. */
function explain(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (err instanceof Refused) return err.message;
  if (timedOut) return `Geen antwoord binnen ${seconds(timeoutMs)} ${timeoutMs === 1000 ? 'seconde' : 'seconden'}.`;
  const code = codeOf(err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'ENODATA') return 'De servernaam is niet gevonden.';
  if (code === 'ECONNREFUSED') return 'De server weigert de verbinding.';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'De verbinding werd onderbroken.';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'De server is niet te bereiken.';
  if (/CERT|TLS|SSL|SELF_SIGNED|VERIFY|ISSUER/.test(code)) return 'Het beveiligingscertificaat van de site klopt niet.';
  return `De site is niet bereikbaar${code ? ` (${code})` : ''}.`;
}

/** The same page after normalisation (http → https, a trailing slash added or dropped): not worth an editor's time. */
function sameAfterNormalising(a: string, b: string): boolean {
  try {
    return normaliseUrl(a) === normaliseUrl(b);
  } catch {
    return false;
  }
}

/**
 * One request, no redirect followed, no body read: node:http and node:https rather than fetch,
 * because they take the lookup the connection uses (`lookup`; without one, the system resolves).
 */
function request(
  url: URL,
  method: 'HEAD' | 'GET',
  signal: AbortSignal,
  userAgent: string,
  lookup: LookupFunction | undefined,
): Promise<{ status: number; location: string | null }> {
  const options: RequestOptions = {
    method,
    signal,
    agent: false,
    // What a browser sends (fetch sent these too): some sites refuse requests without them.
    headers: {
      'User-Agent': userAgent,
      Accept: 'text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8',
      'Accept-Language': 'nl,en;q=0.8,*;q=0.5',
      'Accept-Encoding': 'gzip, deflate, br',
    },
    ...(lookup ? { lookup } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
      resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null });
      // We only want the status: never download a body.
      res.destroy();
    });
    req.once('error', reject);
    req.end();
  });
}

/**
 * HEAD first (no body); GET when HEAD is not allowed (405, 501) or refused for another reason than
 * "gone" (some servers answer HEAD with 403 or 500 while GET works). 404 and 410 are final.
 */
async function ask(url: URL, signal: AbortSignal, userAgent: string, lookup: LookupFunction | undefined) {
  const head = await request(url, 'HEAD', signal, userAgent, lookup);
  if (head.status >= 400 && head.status !== 404 && head.status !== 410) return request(url, 'GET', signal, userAgent, lookup);
  return head;
}

/**
 * Checks one URL without following redirects automatically (fetch with redirect: 'manual'), so
 * every hop's host can be checked: 2xx → ok; 3xx → redirect, with the final address of the chain
 * (at most `maxRedirects` hops); 4xx/5xx → broken; no answer → unreachable. A redirect to the same
 * page after normalisation (http→https, trailing slash) counts as the answer it leads to.
 */
export async function checkUrl(input: string, opts: CheckOptions): Promise<CheckOutcome> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
  const maxRedirects = opts.maxRedirects ?? 5;
  const lookup = opts.allowPrivateHosts ? undefined : publicOnlyLookup(opts.resolve ?? systemResolver);
  let current: URL;
  try {
    current = new URL(input);
    if (current.protocol !== 'http:' && current.protocol !== 'https:') throw new Error('protocol');
  } catch {
    return { result: 'broken', status: null, redirectTo: null, error: 'Dit is geen geldig webadres.' };
  }
  let firstRedirect: number | null = null;
  try {
    for (let hop = 0; ; hop++) {
      if (lookup) await assertPublicHost(current.hostname, signal, lookup);
      const { status, location } = await ask(current, signal, userAgent, lookup);
      const redirectTo = hop > 0 ? current.toString() : null;
      if (REDIRECT.has(status)) {
        if (!location) return { result: 'broken', status, redirectTo, error: 'De site verwijst door, maar zegt niet waarheen.' };
        let next: URL;
        try {
          next = new URL(location, current);
          if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error('protocol');
          // A name and password in a redirect's address are never sent on (node:http would, as Basic auth).
          next.username = '';
          next.password = '';
        } catch {
          return { result: 'broken', status, redirectTo, error: 'De site verwijst door naar een ongeldig adres.' };
        }
        firstRedirect ??= status;
        if (hop >= maxRedirects)
          return { result: 'broken', status, redirectTo: next.toString(), error: `Meer dan ${maxRedirects} doorverwijzingen achter elkaar.` };
        current = next;
        continue;
      }
      if (status >= 200 && status < 300) {
        if (redirectTo === null || sameAfterNormalising(input, redirectTo)) return { result: 'ok', status, redirectTo: null, error: null };
        return { result: 'redirect', status: firstRedirect, redirectTo, error: null };
      }
      if (status >= 400)
        return {
          result: 'broken',
          status,
          redirectTo,
          error: redirectTo ? `De doorverwijzing leidt naar een pagina die niet werkt (${status}).` : null,
        };
      // 1xx or another 3xx (300, 304): no page to send readers to.
      return { result: 'broken', status, redirectTo, error: `Onverwacht antwoord van de site (${status}).` };
    }
  } catch (err) {
    const redirectTo = firstRedirect !== null ? current.toString() : null;
    const message = explain(err, timeout.aborted, opts.timeoutMs);
    return { result: 'unreachable', status: null, redirectTo, error: message.slice(0, MESSAGE_MAX) };
  }
}

// ---------------------------------------------------------------- many sources

export interface CheckSourcesOptions extends Omit<CheckOptions, 'signal'> {
  /** At most this many requests in flight at once. */
  concurrency: number;
  /** Only sources never checked, or last checked before this moment. */
  olderThan?: Date;
  /** Only sources never checked. */
  neverChecked?: boolean;
  /** Only these sources. */
  ids?: number[];
  signal?: AbortSignal;
  /** No new check starts after this moment (epoch ms); what is in flight still finishes within timeoutMs. */
  deadline?: number;
  now?: () => Date;
}

export interface CheckSummary {
  checked: number;
  ok: number;
  redirect: number;
  broken: number;
  unreachable: number;
}

/**
 * Checks sources with at most `concurrency` requests in flight and records each answer. Checks are
 * not edits: updated_at (the editors' version) stays as it is, and a result is only written while
 * the source still has the URL that was checked.
 */
export async function checkSources(db: Db, opts: CheckSourcesOptions): Promise<CheckSummary> {
  const where: SQL[] = [];
  if (opts.ids) {
    if (!opts.ids.length) return { checked: 0, ok: 0, redirect: 0, broken: 0, unreachable: 0 };
    where.push(inArray(sources.id, opts.ids));
  }
  if (opts.neverChecked) where.push(isNull(sources.checkedAt));
  if (opts.olderThan) where.push(or(isNull(sources.checkedAt), lt(sources.checkedAt, opts.olderThan)) as SQL);
  // Never checked first, then the longest ago: a run cut short by its deadline still makes progress.
  const queue = await db
    .select({ id: sources.id, url: sources.url })
    .from(sources)
    .where(where.length ? and(...where) : undefined)
    .orderBy(sql`${sources.checkedAt} asc nulls first`, asc(sources.id));
  const summary: CheckSummary = { checked: 0, ok: 0, redirect: 0, broken: 0, unreachable: 0 };
  const now = opts.now ?? (() => new Date());
  const concurrency = Math.max(1, Math.min(opts.concurrency, 64));
  let next = 0;
  const worker = async () => {
    for (;;) {
      if (opts.signal?.aborted || (opts.deadline !== undefined && Date.now() >= opts.deadline)) return;
      const item = queue[next++];
      if (!item) return;
      const outcome = await checkUrl(item.url, { ...opts, signal: opts.signal });
      // Stopped half-way (shutdown): that is not an answer from the site.
      if (opts.signal?.aborted) return;
      await recordOutcome(db, item.id, item.url, outcome, now());
      summary.checked++;
      summary[outcome.result]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return summary;
}

export async function recordOutcome(db: Queryable, id: number, url: string, outcome: CheckOutcome, at: Date): Promise<void> {
  await db
    .update(sources)
    .set({
      checkedAt: at,
      checkStatus: outcome.status,
      checkResult: outcome.result,
      redirectTo: outcome.redirectTo,
      checkError: outcome.error,
    })
    .where(and(eq(sources.id, id), eq(sources.url, url)));
}

// ---------------------------------------------------------------- one run at a time, across instances

const LEASE_KEY = 'linkcheck_lease';

/**
 * A lease in app_settings ("<expiry ISO> <holder>"): taken only when free or expired, in one
 * statement, so of several instances exactly one runs a check of all links. No transaction stays
 * open during the run (a row lock held for minutes), and a crashed holder's
 * lease simply expires.
 */
export async function acquireLease(db: Queryable, now: Date, ms: number): Promise<string | null> {
  const value = `${new Date(now.getTime() + ms).toISOString()} ${crypto.randomUUID()}`;
  const rows = await db
    .insert(appSettings)
    .values({ key: LEASE_KEY, value })
    .onConflictDoUpdate({
      target: appSettings.key,
      set: { value },
      where: sql`split_part(${appSettings.value}, ' ', 1)::timestamptz <= ${now.toISOString()}::timestamptz`,
    })
    .returning({ value: appSettings.value });
  return rows[0]?.value === value ? value : null;
}

export async function releaseLease(db: Queryable, lease: string): Promise<void> {
  await db.delete(appSettings).where(and(eq(appSettings.key, LEASE_KEY), eq(appSettings.value, lease)));
}

/** Until when a check of all links is running (on any instance), or null. */
export async function runningUntil(db: Queryable, now: Date): Promise<Date | null> {
  const [row] = await db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, LEASE_KEY));
  const until = row ? new Date(row.value.split(' ')[0] ?? '') : null;
  return until && !Number.isNaN(until.getTime()) && until > now ? until : null;
}

export interface RunOptions extends Omit<CheckSourcesOptions, 'deadline'> {
  /** The whole run stops starting new checks after this long. */
  maxDurationMs: number;
}

/** Runs checkSources under the lease; null when another run (here or on another instance) holds it. */
export async function runExclusive(db: Db, opts: RunOptions): Promise<CheckSummary | null> {
  const now = opts.now ?? (() => new Date());
  const lease = await acquireLease(db, now(), opts.maxDurationMs + opts.timeoutMs + 60_000);
  if (!lease) return null;
  try {
    return await checkSources(db, { ...opts, deadline: Date.now() + opts.maxDurationMs });
  } finally {
    await releaseLease(db, lease).catch(() => {});
  }
}

// ---------------------------------------------------------------- in the background ("Controleer alle links")

const background = new Set<Promise<unknown>>();
const controller = { current: new AbortController() };

/**
 * Takes the lease, then checks in the background so the editor's request returns at once.
 * Resolves to false when a run is already going on.
 */
export async function startBackgroundCheck(db: Db, opts: RunOptions, onError: (err: unknown) => void = () => {}): Promise<boolean> {
  const now = opts.now ?? (() => new Date());
  const lease = await acquireLease(db, now(), opts.maxDurationMs + opts.timeoutMs + 60_000);
  if (!lease) return false;
  const signal = opts.signal ? AbortSignal.any([opts.signal, controller.current.signal]) : controller.current.signal;
  const run = checkSources(db, { ...opts, signal, deadline: Date.now() + opts.maxDurationMs })
    .catch(onError)
    .finally(() => releaseLease(db, lease).catch(() => {}));
  background.add(run);
  void run.finally(() => background.delete(run));
  return true;
}

/** Waits for background checks started here (tests; graceful shutdown). */
export async function waitForBackgroundChecks(): Promise<void> {
  while (background.size) await Promise.allSettled([...background]);
}

/** Stops background checks started here (shutdown): requests in flight are aborted, nothing half-recorded. */
export async function stopBackgroundChecks(): Promise<void> {
  controller.current.abort();
  await waitForBackgroundChecks();
  controller.current = new AbortController();
}
