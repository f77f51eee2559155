import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/helpers.ts';
import { RENDER_CACHE_BYTES, renderCache } from '../themes/queries.ts';
import { ByteLru, ENTRY_OVERHEAD_BYTES } from './byte-cache.ts';
import { COMPRESSED_CACHE_BYTES, compressedCache } from './middleware.ts';
import { Doorkeeper } from './page-cache.ts';

describe('in-memory caches are bounded by bytes, keys counted', () => {
  it('a cache of long keys and tiny values stays within its bytes', () => {
    const cache = new ByteLru<string>(100_000, (v) => 2 * v.length);
    for (let i = 0; i < 1000; i++) cache.set(`/zoeken?q=${i}&${'x'.repeat(4000)}`, 'v');
    expect(cache.bytes).toBeLessThanOrEqual(100_000);
    expect(cache.size).toBe(Math.floor(100_000 / (2 * (4000 + 13) + 2 + ENTRY_OVERHEAD_BYTES)));
    // The least recently used go first; a value larger than the whole cache is not kept.
    cache.set('groot', 'x'.repeat(60_000));
    expect(cache.get('groot')).toBeUndefined();
    expect(cache.bytes).toBeLessThanOrEqual(100_000);
  });

  it('the page cache’s doorkeeper remembers at most 2 MB of URLs, however long they are', () => {
    const doorkeeper = new Doorkeeper();
    // 3,000 made-up query strings of 4,000 characters: 24 MB if every one were kept.
    for (let i = 0; i < 3000; i++) {
      const url = `http://localhost/zoeken?q=${i}${'a'.repeat(4000)}`;
      doorkeeper.admit(url, url);
    }
    expect(doorkeeper.bytes).toBeGreaterThan(0);
    expect(doorkeeper.bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  it('the Markdown render cache and the compressed-body cache are byte-bounded', () => {
    expect(renderCache).toBeInstanceOf(ByteLru);
    expect(renderCache.maxBytes).toBe(RENDER_CACHE_BYTES);
    expect(compressedCache).toBeInstanceOf(ByteLru);
    expect(compressedCache.maxBytes).toBe(COMPRESSED_CACHE_BYTES);
  });
});

describe('the compressed-body cache under many distinct pages', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  const limit = 64 * 1024;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    compressedCache.clear();
    compressedCache.maxBytes = limit;
  });
  afterAll(async () => {
    compressedCache.maxBytes = COMPRESSED_CACHE_BYTES;
    compressedCache.clear();
    await t.close();
  });

  it('holds no more than its bytes however many distinct pages are compressed', async () => {
    for (let i = 0; i < 120; i++) {
      const res = await t.app.request(`/zoeken?q=${'woord'.repeat(40)}${i}`, { headers: { 'Accept-Encoding': 'br' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Encoding')).toBe('br');
      await res.arrayBuffer();
    }
    expect(compressedCache.size).toBeGreaterThan(0);
    expect(compressedCache.bytes).toBeLessThanOrEqual(limit);
  });
});
