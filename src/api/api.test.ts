import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, createTestApp } from '../../test/helpers.ts';
import { trainings } from '../db/schema.ts';
import { setRegisters } from '../trainings/accreditation.ts';
import { API_RATE } from './routes.ts';

type Doc = {
  paths: Record<
    string,
    {
      get: {
        parameters?: { name: string; in: string; schema?: { example?: unknown } }[];
        responses: Record<string, { content: Record<string, { schema: unknown }> }>;
      };
    }
  >;
  components: { schemas: Record<string, unknown> };
};

describe.each(backends())('open data API on %s', (kind: Backend) => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let doc: Doc;
  let ajv: InstanceType<typeof Ajv2020>;
  beforeAll(async () => {
    t = await createTestApp(kind);
    doc = (await (await t.app.request('/api/openapi.json')).json()) as Doc;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (a: unknown) => void)(ajv);
    // Let "#/components/schemas/X" resolve against the document itself.
    ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
  });
  afterAll(() => t.close());

  const validate = (path: string, status: number, body: unknown) => {
    const res = doc.paths[path]?.get.responses[String(status)];
    expect(res, `${path} documents status ${status}`).toBeDefined();
    const [type] = Object.keys(res?.content ?? {});
    const schema = JSON.parse(JSON.stringify(res?.content[type as string]?.schema).replaceAll('"#/components/', '"doc#/components/'));
    const ok = ajv.validate(schema, body);
    expect(ok, `${path} ${status}: ${ajv.errorsText()}`).toBe(true);
    return type;
  };
  const get = (url: string, headers: Record<string, string> = {}) => t.app.request(url, { headers });

  it('serves an OpenAPI 3.1 document describing every route', () => {
    expect(doc).toMatchObject({ openapi: '3.1.0' });
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/organisations',
      '/v1/organisations/{slug}',
      '/v1/sources',
      '/v1/themes',
      '/v1/themes/{slug}',
      '/v1/trainings',
      '/v1/trainings/{slug}',
    ]);
  });

  it('every route’s responses (200, 404, 400) validate against the document', async () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      let url = `/api${path}`;
      for (const p of item.get.parameters ?? []) if (p.in === 'path') url = url.replace(`{${p.name}}`, String(p.schema?.example));
      const ok = await get(url);
      expect(ok.status, url).toBe(200);
      expect(ok.headers.get('Content-Type')).toContain('application/json');
      validate(path, 200, await ok.json());
      const bad = await get(path.includes('{slug}') ? url.replace(/[^/]+$/, 'Niet%20Geldig!') : `${url}?limit=0`);
      expect(bad.status, `${url} bad`).toBe(400);
      expect(bad.headers.get('Content-Type')).toContain('application/problem+json');
      validate(path, 400, await bad.json());
      if (path.includes('{slug}')) {
        const missing = await get(url.replace(/[^/]+$/, 'bestaat-niet'));
        expect(missing.status).toBe(404);
        validate(path, 404, await missing.json());
      }
    }
  });

  it('bad parameters: a 400 problem document that names the parameter, in Dutch', async () => {
    for (const [query, parameter] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=%%%', 'cursor'],
      ['cursor=eyJ4IjoxfQ', 'cursor'],
      [`cursor=${'a'.repeat(300)}`, 'cursor'],
    ]) {
      const res = await get(`/api/v1/themes?${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { parameter: string; detail: string; status: number };
      expect(body.parameter).toBe(parameter);
      expect(body.status).toBe(400);
      expect(body.detail).toContain(`“${parameter}”`);
    }
    const unknown = await get('/api/v2/iets');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { detail: string }).detail).toContain('bestaat niet');
  });

  it('organisations: the same filters as /netwerk; unknown values are a 400 naming the parameter', async () => {
    const all = (await (await get('/api/v1/organisations?limit=100')).json()) as {
      data: { slug: string; type: string; municipalities: string[]; themes: string[] }[];
    };
    expect(all.data.length).toBeGreaterThan(5);
    const vt = all.data.find((o) => o.slug === 'veilig-thuis');
    expect(vt).toMatchObject({ type: 'Veilig Thuis' });
    const jgz = (await (await get('/api/v1/organisations?type=JGZ')).json()) as { data: { type: string }[] };
    expect(jgz.data.length).toBeGreaterThan(0);
    expect(jgz.data.every((o) => o.type === 'JGZ')).toBe(true);
    const town = all.data.flatMap((o) => o.municipalities)[0] as string;
    const inTown = (await (await get(`/api/v1/organisations?municipality=${encodeURIComponent(town)}`)).json()) as { data: { municipalities: string[] }[] };
    expect(inTown.data.length).toBe(all.data.filter((o) => o.municipalities.includes(town)).length);
    const theme = all.data.flatMap((o) => o.themes)[0] as string;
    const byTheme = (await (await get(`/api/v1/organisations?theme=${theme}`)).json()) as { data: unknown[] };
    expect(byTheme.data.length).toBe(all.data.filter((o) => o.themes.includes(theme)).length);
    const bad = await get('/api/v1/organisations?type=bakker');
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { parameter: string; detail: string };
    expect(problem.parameter).toBe('type');
    // The message says which values there are.
    expect(problem.detail).toContain('Mogelijk: ');
    expect(problem.detail).toContain('JGZ');
    // As on /netwerk, capitals do not matter.
    const lower = (await (await get('/api/v1/organisations?type=jgz')).json()) as { data: { type: string }[] };
    expect(lower.data).toEqual(jgz.data);
    const townLower = (await (await get(`/api/v1/organisations?municipality=${encodeURIComponent(town.toLowerCase())}`)).json()) as { data: unknown[] };
    expect(townLower.data.length).toBe(inTown.data.length);
    // A municipality or theme nothing has is a 400 naming it and the values there are, not an empty list.
    for (const [param, value, known] of [
      ['municipality', 'Nergenshuizen', town],
      ['theme', 'nope', theme],
      // Only spaces is no value either (not "no filter").
      ['municipality', '%20', ''],
      ['type', '%20%20', ''],
    ] as const) {
      const res = await get(`/api/v1/organisations?${param}=${value}`);
      expect(res.status, param).toBe(400);
      const body = (await res.json()) as { parameter: string; detail: string };
      expect(body.parameter).toBe(param);
      expect(body.detail).toContain(known);
    }
  });

  it('cursor pagination walks every item once', async () => {
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const res = await get(`/api/v1/sources?limit=4${next ? `&cursor=${next}` : ''}`);
      const body = (await res.json()) as { data: { url: string }[]; next: string | null };
      expect(body.data.length).toBeLessThanOrEqual(4);
      seen.push(...body.data.map((s) => s.url));
      next = body.next;
    } while (next);
    const all = (await (await get('/api/v1/sources?limit=100')).json()) as { data: { url: string }[] };
    expect(seen).toEqual(all.data.map((s) => s.url));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('ETag, Cache-Control and CORS for reading', async () => {
    const res = await get('/api/v1/themes/hechting');
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=60');
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    const etag = res.headers.get('ETag') as string;
    expect(etag).toBeTruthy();
    expect((await get('/api/v1/themes/hechting', { 'If-None-Match': etag })).status).toBe(304);
    const pre = await t.app.request('/api/v1/themes', {
      method: 'OPTIONS',
      headers: { Origin: 'https://elders.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('Access-Control-Allow-Methods')).toContain('GET');
    const post = await t.app.request('/api/v1/themes', { method: 'POST' });
    expect(post.status).toBe(400);
  });

  it('a training lists its registers with name, points and accreditation id, as the document describes', async () => {
    const [training] = await t.deps.database.db.select().from(trainings).where(eq(trainings.slug, 'hechting-voor-professionals'));
    const empty = (await (await get('/api/v1/trainings/hechting-voor-professionals')).json()) as { registers: unknown[] };
    expect(empty.registers).toEqual([]);
    await setRegisters(t.deps.database.db, training?.id as number, [
      { register: 'skj', points: 4, accreditationId: 'SKJ-2026-17' },
      { register: 'vvn', points: 3, accreditationId: '' },
    ]);
    const res = await get('/api/v1/trainings/hechting-voor-professionals');
    const body = (await res.json()) as { registers: unknown[] };
    validate('/v1/trainings/{slug}', 200, body);
    expect(body.registers).toEqual([
      { register: 'vvn', registerName: 'V&VN Kwaliteitsregister', points: 3, accreditationId: '' },
      { register: 'skj', registerName: 'SKJ', points: 4, accreditationId: 'SKJ-2026-17' },
    ]);
    const list = await (await get('/api/v1/trainings')).json();
    validate('/v1/trainings', 200, list);
    expect(JSON.stringify(list)).toContain('"registerName":"SKJ"');
    await setRegisters(t.deps.database.db, training?.id as number, []);
  });

  it('live seat availability, and no registration data anywhere in the API', async () => {
    const before = (await (await get('/api/v1/trainings/hechting-voor-professionals')).json()) as { sessions: { id: number; seatsLeft: number }[] };
    const session = before.sessions[0] as { id: number; seatsLeft: number };
    const res = await t.app.request(`/trainingen/hechting-voor-professionals/${session.id}/aanmelden`, {
      method: 'POST',
      body: new URLSearchParams({
        name: 'Zoë Geheimnaam',
        email: 'zoe.geheim@example.org',
        organisation: 'Geheime Organisatie BV',
        role: 'Verborgen rol',
        consent: 'ja',
      }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    const after = (await (await get('/api/v1/trainings/hechting-voor-professionals')).json()) as { sessions: { id: number; seatsLeft: number }[] };
    expect(after.sessions.find((s) => s.id === session.id)?.seatsLeft).toBe(session.seatsLeft - 1);
    // Crawl every route and page: nothing of the registration comes back.
    const bodies: string[] = [await (await get('/api/openapi.json')).text()];
    for (const path of ['/api/v1/themes', '/api/v1/sources', '/api/v1/trainings', '/api/v1/organisations']) {
      let next: string | null = null;
      do {
        const r = await get(`${path}?limit=2${next ? `&cursor=${next}` : ''}`);
        const text = await r.text();
        bodies.push(text);
        next = (JSON.parse(text) as { next: string | null }).next;
      } while (next);
    }
    bodies.push(await (await get('/api/v1/trainings/hechting-voor-professionals')).text());
    const all = bodies.join('\n');
    for (const secret of ['Geheimnaam', 'zoe.geheim', 'Geheime Organisatie', 'Verborgen rol']) expect(all).not.toContain(secret);
    // Trainings carry seat counts only: no field for any registrant's details.
    const training = await (await get('/api/v1/trainings/hechting-voor-professionals')).text();
    for (const field of ['email', 'name"', 'organisation', 'role']) expect(training).not.toContain(field);
  });

  it('rate limit with RateLimit headers; over the limit a 429 problem with Retry-After', async () => {
    const first = await get('/api/v1/themes', { 'X-Forwarded-For': 'x' });
    expect(first.headers.get('RateLimit-Policy')).toBe(`${API_RATE.limit};w=${API_RATE.windowSeconds}`);
    expect(first.headers.get('RateLimit')).toMatch(/^limit=300, remaining=\d+, reset=\d+$/);
    const r1 = Number(/remaining=(\d+)/.exec(first.headers.get('RateLimit') ?? '')?.[1]);
    const second = await get('/api/v1/themes');
    expect(Number(/remaining=(\d+)/.exec(second.headers.get('RateLimit') ?? '')?.[1])).toBe(r1 - 1);
    let last: Response = second;
    for (let i = 0; i < API_RATE.limit && last.status !== 429; i++) last = await get('/api/v1/sources?limit=1');
    expect(last.status).toBe(429);
    expect(last.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(((await last.json()) as { detail: string }).detail).toContain('Probeer het over');
    t.clock.advance(61_000);
    expect((await get('/api/v1/themes')).status).toBe(200);
  });

  it('the docs page lists every operation and can try one, with nothing from another host', async () => {
    const res = await get('/api/docs?pad=%2Fv1%2Fthemes%2F%7Bslug%7D&p.slug=hechting');
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const path of Object.keys(doc.paths)) expect(html).toContain(`GET /api${path}`);
    expect(html).toContain('Antwoord op GET /api/v1/themes/hechting: status 200');
    expect(html).toContain('&quot;slug&quot;: &quot;hechting&quot;');
    expect(html).not.toMatch(/(src|href)="https?:\/\/(?!localhost)/);
  });
});
