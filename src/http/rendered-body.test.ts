import { brotliDecompressSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../context.ts';
import { etagAndCompress, etagOf } from './middleware.ts';

// page() keeps the HTML it rendered beside its response; the ETag and compression read it from there
// while that response is the one sent, and from the response itself otherwise.
describe('ETag and compression of a rendered page', () => {
  const html = `<!doctype html><p>${'Hechting en veiligheid, “thuis” en onderweg. '.repeat(40)}</p>`;
  const app = new Hono<AppEnv>();
  app.use('*', etagAndCompress);
  app.get('/pagina', (c) => {
    const res = c.html(html);
    c.set('rendered', { res, html });
    return res;
  });
  // Rendered, then something else sent instead (as an error page or a redirect would be).
  app.get('/anders', (c) => {
    c.set('rendered', { res: c.html(html), html });
    return c.html('<p>Iets anders, lang genoeg om te comprimeren.</p>'.repeat(20));
  });

  it('sends the rendered HTML, with the ETag of its bytes, plain and compressed', async () => {
    const plain = await app.request('/pagina');
    expect(await plain.text()).toBe(html);
    expect(plain.headers.get('ETag')).toBe(etagOf(Buffer.from(html)));
    expect(plain.headers.get('Content-Length')).toBe(String(Buffer.byteLength(html)));
    const br = await app.request('/pagina', { headers: { 'Accept-Encoding': 'br' } });
    expect(br.headers.get('Content-Encoding')).toBe('br');
    expect(br.headers.get('ETag')).toBe(etagOf(Buffer.from(html)));
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(html);
    const again = await app.request('/pagina', { headers: { 'If-None-Match': etagOf(Buffer.from(html)) } });
    expect(again.status).toBe(304);
  });

  it('uses the response actually sent when it is not the rendered one', async () => {
    const other = '<p>Iets anders, lang genoeg om te comprimeren.</p>'.repeat(20);
    const res = await app.request('/anders', { headers: { 'Accept-Encoding': 'br' } });
    expect(brotliDecompressSync(Buffer.from(await res.arrayBuffer())).toString()).toBe(other);
    expect(res.headers.get('ETag')).toBe(etagOf(Buffer.from(other)));
  });
});
