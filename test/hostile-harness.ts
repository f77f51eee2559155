/**
 * The machinery of the hostile-input suites (test/hostile*.test.ts): one app per backend with a
 * logged-in administrator and real rows to point routes at, a way to send one hostile value into
 * one place of one route, and a check that refused requests changed no row.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../src/db/schema.ts';
import { type Backend, type Browser, backends, createTestApp, csrfFrom, loginAs } from './helpers.ts';
import { checkResponse, HOSTILE, HOSTILE_SAMPLE, type Hostile } from './hostile-strings.ts';
import {
  buildFixture,
  changedTables,
  type Fixture,
  fillPath,
  openApiQueryParams,
  paramNames,
  type RouteSpec,
  roleRuleFor,
  type Snapshot,
  snapshotter,
  type TestApp,
} from './routes.ts';

export const REQUEST_TIMEOUT_MS = 15_000;
/** A test that sends hundreds of requests: room for a busy shared machine (vitest's default is 30 s). */
export const MATRIX_TIMEOUT_MS = 120_000;

export const isBeheer = (path: string) => path === '/beheer' || path.startsWith('/beheer/');
export const patternOf = (spec: RouteSpec | string) => {
  const route = typeof spec === 'string' ? spec : spec.route;
  return route.slice(route.indexOf(' ') + 1);
};

/** An x-www-form-urlencoded body: the valid fields encoded, the hostile one as its wire form or its raw bytes. */
export function formBody(fields: Record<string, string>, hostile?: { field: string; h: Hostile }): Uint8Array {
  const parts: Buffer[] = Object.entries(fields)
    .filter(([k]) => k !== hostile?.field)
    .map(([k, v]) => Buffer.from(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`));
  if (hostile) parts.push(Buffer.concat([Buffer.from(`${encodeURIComponent(hostile.field)}=`), hostile.h.bytes ?? Buffer.from(hostile.h.wire)]));
  return new Uint8Array(Buffer.concat(parts.flatMap((p, i) => (i ? [Buffer.from('&'), p] : [p]))));
}

export const cookieHeader = (b: Browser) => [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/**
 * Tells whether a refused request wrote anything. On PGlite the database's next transaction id is
 * a free witness: it only moves when a transaction writes, so most refusals need no table scan at
 * all. On the shared PostgreSQL server other databases move it too, so there every refusal is
 * checked against a full snapshot.
 */
class ChangeTracker {
  private base: Snapshot | null = null;
  private baseMark = '';
  constructor(
    private readonly snap: () => Promise<Snapshot>,
    private readonly mark: () => Promise<string>,
    private readonly useMarker: boolean,
  ) {}

  /** `fresh`: rows were written since the last request (a route's setup), so take a new baseline. */
  async before(fresh = false): Promise<void> {
    if (!this.useMarker) {
      if (!this.base || fresh) this.base = await this.snap();
      return;
    }
    const m = await this.mark();
    if (!this.base || m !== this.baseMark) {
      this.base = await this.snap();
      this.baseMark = m;
    }
  }

  /** Tables a refused request changed (leaving out `allowed`); [] after an accepted request. */
  async after(refused: boolean, allowed: string[] = []): Promise<string[]> {
    if (!refused) {
      if (!this.useMarker) this.base = null;
      return [];
    }
    if (this.useMarker && (await this.mark()) === this.baseMark) return [];
    const now = await this.snap();
    const changed = changedTables(this.base as Snapshot, now, allowed);
    this.base = now;
    if (this.useMarker) this.baseMark = await this.mark();
    return changed;
  }
}

export type Target = { kind: 'field' | 'param' | 'query'; name: string };
const where = (t: Target) => `${t.kind === 'field' ? 'field ' : t.kind === 'param' ? ':' : '?'}${t.name}`;

export async function hostileApp(kind: Backend) {
  // Every request comes from its own client address, so per-client limits (login, registration, API) stay out of the way.
  const t: TestApp = await createTestApp(kind, { env: { TRUST_PROXY: 'true', REGISTRATION_LIMIT: '100000' } });
  const admin = await loginAs(t.app, t.deps.database, 'beheerder');
  const [me] = await t.deps.database.db.select().from(users);
  const f: Fixture = await buildFixture(t, me?.id as number);
  const adminCsrf = csrfFrom(await (await admin.get('/beheer/netwerk/nieuw')).text());
  const login = await t.app.request('/beheer/inloggen');
  const anonCookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const preAuthCsrf = csrfFrom(await login.text());
  const snap = await snapshotter(t.deps.database.db);
  const mark = async () =>
    String(
      ((await t.deps.database.db.execute(sql`select pg_snapshot_xmax(pg_current_snapshot())::text as x`)) as unknown as { rows: { x: string }[] }).rows[0]?.x,
    );
  const apiQuery = await openApiQueryParams(t);
  let n = 0;
  let sent = 0;

  /** The server's log line for a failed request, so a 500 names its cause. */
  const causeOf = (res: Response) => {
    const id = res.headers.get('X-Request-Id');
    const line = t.logs.find((l) => id && l.includes(id) && l.includes('"err"'));
    return line ? ` (${(JSON.parse(line) as { err?: { message?: string } }).err?.message?.slice(0, 200)})` : '';
  };

  async function send(path: string, init: RequestInit = {}): Promise<Response | 'hang'> {
    sent++;
    n++;
    const headers = new Headers(init.headers);
    headers.set('X-Forwarded-For', `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`);
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<'hang'>((resolve) => {
      timer = setTimeout(() => resolve('hang'), REQUEST_TIMEOUT_MS);
    });
    try {
      return await Promise.race([Promise.resolve(t.app.request(path, { ...init, headers })), hang]);
    } finally {
      clearTimeout(timer);
    }
  }

  const cookieFor = (spec: RouteSpec, path: string) => {
    if (spec.csrf === 'pre-auth') return anonCookie;
    if (!isBeheer(path) || roleRuleFor(path)?.access === 'public') return '';
    return cookieHeader(admin);
  };
  const queryOf = (spec: RouteSpec): string[] => (spec.query === 'openapi' ? (apiQuery.get(patternOf(spec)) ?? []) : (spec.query ?? []));
  const strings = kind === 'embedded' ? HOSTILE : HOSTILE_SAMPLE;

  /** Each hostile string in each query and path parameter of a GET route; no request may change a row. */
  async function hostileGet(spec: RouteSpec): Promise<{ failures: string[]; changed: string[] }> {
    const pattern = patternOf(spec);
    const { params = {} } = (await spec.prepare?.({ f, t, n: ++n })) ?? {};
    const realPath = fillPath(pattern, params);
    const failures: string[] = [];
    const before = await snap();
    for (const h of strings) {
      const targets: { target: Target; path: string }[] = [
        ...paramNames(pattern).map((p) => ({ target: { kind: 'param' as const, name: p }, path: fillPath(pattern, { ...params, [p]: h.wire }) })),
        ...queryOf(spec).map((q) => ({ target: { kind: 'query' as const, name: q }, path: `${realPath}?${encodeURIComponent(q)}=${h.wire}` })),
      ];
      for (const { target, path } of targets) {
        const res = await send(path, { headers: { Cookie: cookieFor(spec, path) } });
        if (res === 'hang') {
          failures.push(`${h.name} in ${where(target)}: no answer within ${REQUEST_TIMEOUT_MS} ms`);
          continue;
        }
        const { problems } = await checkResponse(res);
        if (problems.length) failures.push(`${h.name} in ${where(target)}: ${problems.join('; ')}${causeOf(res)}`);
      }
    }
    return { failures, changed: changedTables(before, await snap()) };
  }

  /** Each hostile string in each form field, path and query parameter of a form, the other fields valid. */
  async function hostilePost(spec: RouteSpec): Promise<{ failures: string[]; refused: number; accepted: number; targets: number }> {
    const pattern = patternOf(spec);
    const fieldNames = typeof spec.fields === 'function' ? spec.fields(f) : (spec.fields ?? []);
    const targets: Target[] = [
      ...fieldNames.map((name) => ({ kind: 'field' as const, name })),
      ...paramNames(pattern).map((name) => ({ kind: 'param' as const, name })),
      ...queryOf(spec).map((name) => ({ kind: 'query' as const, name })),
    ];
    const tracker = new ChangeTracker(snap, mark, kind === 'embedded');
    const failures: string[] = [];
    let refused = 0;
    let accepted = 0;
    for (const h of strings) {
      for (const target of targets) {
        const prepared = (await spec.prepare?.({ f, t, n: ++n, target })) ?? {};
        const params = { ...prepared.params };
        if (target.kind === 'param') params[target.name] = h.wire;
        let path = fillPath(pattern, params);
        if (target.kind === 'query') path += `?${encodeURIComponent(target.name)}=${h.wire}`;
        const form: Record<string, string> = { ...prepared.form };
        if (spec.csrf === 'session') form._csrf = adminCsrf;
        if (spec.csrf === 'pre-auth') form._csrf = preAuthCsrf;
        await tracker.before(spec.prepareWrites);
        const res = await send(path, {
          method: 'POST',
          body: formBody(form, target.kind === 'field' ? { field: target.name, h } : undefined) as BodyInit,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookieFor(spec, path) },
        });
        if (res === 'hang') {
          failures.push(`${h.name} in ${where(target)}: no answer within ${REQUEST_TIMEOUT_MS} ms`);
          await tracker.after(false);
          continue;
        }
        const { status, problems } = await checkResponse(res);
        if (problems.length) failures.push(`${h.name} in ${where(target)}: ${problems.join('; ')}${causeOf(res)}`);
        const isRefused = status >= 400 && status < 500;
        if (isRefused) refused++;
        else accepted++;
        const changed = await tracker.after(isRefused, spec.mayChangeOnReject?.tables);
        if (changed.length) failures.push(`${h.name} in ${where(target)}: refused with ${status} but changed ${changed.join(', ')}`);
      }
    }
    // Bodies that are not what the form sends: a broken multipart upload, and every field a file.
    const prepared = (await spec.prepare?.({ f, t, n: ++n })) ?? {};
    const path = fillPath(pattern, prepared.params ?? {});
    const token = spec.csrf === 'session' ? adminCsrf : spec.csrf === 'pre-auth' ? preAuthCsrf : '';
    const files = new FormData();
    if (token) files.set('_csrf', token);
    for (const name of fieldNames) files.set(name, new File(['<script>alert(1)</script>'], '../../etc/passwd', { type: 'text/html' }));
    const odd: [string, RequestInit][] = [
      ['a broken multipart body', { body: '--x\r\nkapot', headers: { 'Content-Type': 'multipart/form-data; boundary=x', 'X-CSRF-Token': token } }],
      ['a file in every field', { body: files }],
    ];
    for (const [what, init] of odd) {
      await tracker.before(spec.prepareWrites);
      const headers = new Headers(init.headers);
      headers.set('Cookie', cookieFor(spec, path));
      const res = await send(path, { ...init, method: 'POST', headers });
      if (res === 'hang') {
        failures.push(`${what}: no answer within ${REQUEST_TIMEOUT_MS} ms`);
        await tracker.after(false);
        continue;
      }
      const { status, problems } = await checkResponse(res);
      if (problems.length) failures.push(`${what}: ${problems.join('; ')}${causeOf(res)}`);
      const isRefused = status >= 400 && status < 500;
      const changed = await tracker.after(isRefused, spec.mayChangeOnReject?.tables);
      if (changed.length) failures.push(`${what}: refused with ${status} but changed ${changed.join(', ')}`);
    }
    return { failures, refused, accepted, targets: targets.length };
  }

  return {
    t,
    f,
    admin,
    adminCsrf,
    anonCookie,
    preAuthCsrf,
    snap,
    send,
    causeOf,
    hostileGet,
    hostilePost,
    get sent() {
      return sent;
    },
    nextN: () => ++n,
    close: () => t.close(),
  };
}

export type HostileApp = Awaited<ReturnType<typeof hostileApp>>;

/**
 * The POST matrix for a set of form routes, on every backend: each hostile string into each field.
 * The public and the editors' forms run as two files, so vitest runs them side by side.
 */
export function describeFormMatrix(label: string, specs: RouteSpec[]) {
  describe.each(backends())(`hostile form input on %s: ${label}`, (kind: Backend) => {
    let h: HostileApp;
    beforeAll(async () => {
      h = await hostileApp(kind);
    });
    afterAll(async () => {
      console.info(`hostile form matrix (${label}) on ${kind}: ${h?.sent} requests`);
      await h?.close();
    });

    it.each(specs.map((s) => [s.route, s] as const))(
      '%s',
      async (_name, spec) => {
        const { failures, refused, targets } = await h.hostilePost(spec);
        expect(failures, failures.join('\n')).toEqual([]);
        // The matrix must reach the refusal paths at all: on every form with input, some hostile values are refused.
        if (targets) expect(refused).toBeGreaterThan(0);
      },
      MATRIX_TIMEOUT_MS,
    );
  });
}
