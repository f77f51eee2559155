import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { AppEnv, Ctx } from '../context.ts';
import { page } from '../ui/render.tsx';
import { api } from './routes.ts';

interface Param {
  name: string;
  in: 'query' | 'path';
  description?: string;
  required?: boolean;
  schema?: { example?: unknown; default?: unknown };
}
interface Operation {
  summary?: string;
  description?: string;
  parameters?: Param[];
}

export function openApiDocument(c: Ctx) {
  return api.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'Hechtwerk open data', version: '1.0.0' },
    servers: [{ url: `${c.get('deps').config.baseUrl}/api` }],
  });
}

const Operation: FC<{ path: string; op: Operation; values: Record<string, string> }> = ({ path, op, values }) => {
  const id = path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
  return (
    <section class="hw-card hw-api-op" aria-labelledby={`op-${id}`}>
      <h2 id={`op-${id}`} class="utrecht-heading-3">
        <code>GET /api{path}</code>: {op.summary}
      </h2>
      {op.description ? <p>{op.description}</p> : null}
      <form method="get" action="/api/docs" class="hw-form">
        <input type="hidden" name="pad" value={path} />
        {(op.parameters ?? []).map((p) => (
          <div class="utrecht-form-field">
            <label class="utrecht-form-label" for={`${id}-${p.name}`}>
              {p.name} ({p.in === 'path' ? 'in het pad, verplicht' : 'niet verplicht'})
            </label>
            {p.description ? <p class="hw-muted">{p.description}</p> : null}
            <input
              class="utrecht-textbox utrecht-textbox--html-input"
              type="text"
              id={`${id}-${p.name}`}
              name={`p.${p.name}`}
              value={values[`${path}|${p.name}`] ?? (p.in === 'path' ? String(p.schema?.example ?? '') : '')}
            />
          </div>
        ))}
        <button class="utrecht-button utrecht-button--secondary-action" type="submit">
          Probeer<span class="hw-visually-hidden"> GET /api{path}</span>
        </button>
      </form>
    </section>
  );
};

/** A docs page that works without JavaScript and without any other host: "Probeer" runs the request here. */
export async function docsPage(c: Ctx) {
  const doc = openApiDocument(c);
  const paths = Object.entries(doc.paths ?? {}).map(([path, item]) => ({ path, op: (item as { get: Operation }).get }));
  const tried = c.req.query('pad');
  const values: Record<string, string> = {};
  let result: { url: string; status: number; body: string } | null = null;
  const known = paths.find((p) => p.path === tried);
  if (known) {
    let url = `/api${known.path}`;
    const query = new URLSearchParams();
    for (const p of known.op.parameters ?? []) {
      const v = (c.req.query(`p.${p.name}`) ?? '').slice(0, 200);
      values[`${known.path}|${p.name}`] = v;
      if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(v));
      else if (v) query.set(p.name, v);
    }
    if (query.size) url += `?${query}`;
    // The try-out asks the API sub-app itself, as the caller: the same connection bindings and
    // X-Forwarded-For, so the API's rate limit counts it under the caller's own key (not one key
    // shared by every visitor of this page).
    const deps = c.get('deps');
    const viaApi = new Hono<AppEnv>()
      .use('*', async (inner, next) => {
        inner.set('deps', deps);
        await next();
      })
      .route('/api', api);
    const forwarded = c.req.header('X-Forwarded-For');
    const res = await viaApi.request(url, { headers: forwarded ? { 'X-Forwarded-For': forwarded } : {} }, c.env);
    const text = await res.text();
    let body = text;
    try {
      body = JSON.stringify(JSON.parse(text), null, 2);
    } catch {}
    result = { url, status: res.status, body: body.slice(0, 20_000) };
  }
  c.header('Cache-Control', 'no-store');
  return page(
    c,
    { title: 'Open data API', description: 'Documentatie van de alleen-lezen API van Hechtwerk.', crumbs: [{ href: '/api/docs', label: 'Open data API' }] },
    <>
      <h1 class="utrecht-heading-1">Open data API</h1>
      <p class="hw-lead">{doc.info.description ?? 'Alleen-lezen API met de thema’s, bronnen en trainingen van Hechtwerk.'}</p>
      <p>
        Het OpenAPI-document (versie 3.1):{' '}
        <a class="utrecht-link" href="/api/openapi.json">
          /api/openapi.json
        </a>
        . Antwoorden zijn JSON; fouten volgen RFC 9457 (<code>application/problem+json</code>). Lijsten zijn gepagineerd met <code>limit</code> en{' '}
        <code>cursor</code>. Er geldt een limiet per client, zichtbaar in de kopregels <code>RateLimit</code> en <code>RateLimit-Policy</code>.
      </p>
      {result ? (
        <section class="hw-notice" aria-labelledby="resultaat" role="status">
          <h2 id="resultaat" class="utrecht-heading-3">
            Antwoord op GET {result.url}: status {result.status}
          </h2>
          <pre class="hw-mail hw-api-result">{result.body}</pre>
        </section>
      ) : null}
      {paths.map((p) => (
        <Operation path={p.path} op={p.op} values={values} />
      ))}
    </>,
  );
}
