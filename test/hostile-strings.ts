/**
 * The shared list of hostile input, and how to tell from a response that one got through.
 *
 * Each entry has a `wire` form: what goes into a URL component or an
 * application/x-www-form-urlencoded body as-is. For ordinary text that is `encodeURIComponent(text)`;
 * for the entries that are about encoding itself (percent-encoded CR/LF, overlong UTF-8, lone
 * surrogates, NUL) the wire form is deliberately the raw, sometimes invalid, percent string, so the
 * server has to decode it. `bytes` marks the entries whose point is raw invalid UTF-8 bytes: in a
 * body they are sent as those bytes; in a URL (which a Request can only carry as text) as their
 * percent-encoding.
 */
export interface Hostile {
  name: string;
  category: 'script' | 'attribute' | 'sql' | 'traversal' | 'crlf' | 'overlong' | 'invalid-utf8' | 'null' | 'unicode' | 'number' | 'empty';
  /** The value as a decoded string (what a handler would see if decoding goes as intended). */
  text: string;
  /** URL-component / form-body form, sent verbatim (ASCII only). */
  wire: string;
  /** Raw bytes to put in a form body instead of `wire`. */
  bytes?: Uint8Array;
}

const plain = (name: string, category: Hostile['category'], text: string): Hostile => ({ name, category, text, wire: encodeURIComponent(text) });
const encoded = (name: string, category: Hostile['category'], wire: string, text = safeDecode(wire)): Hostile => ({ name, category, text, wire });
const raw = (name: string, bytes: number[]): Hostile => ({
  name,
  category: 'invalid-utf8',
  text: new TextDecoder().decode(new Uint8Array(bytes)),
  wire: bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  bytes: new Uint8Array(bytes),
});

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export const HOSTILE: Hostile[] = [
  plain('script tag', 'script', '<script>alert(1)</script>'),
  plain('img onerror', 'script', '"><img src=x onerror=alert(1)>'),
  plain('javascript url', 'script', 'javascript:alert(1)'),
  plain('double-quote attribute break', 'attribute', '" onmouseover="x'),
  plain('single-quote attribute break', 'attribute', "' autofocus onfocus='x"),
  plain('sql or', 'sql', "' OR 1=1 --"),
  plain('sql drop', 'sql', "'; DROP TABLE users; --"),
  plain('sql backslash quote', 'sql', "\\'"),
  plain('path traversal', 'traversal', '../../etc/passwd'),
  encoded('encoded path traversal', 'traversal', '..%2f..%2fetc%2fpasswd'),
  encoded('encoded dot-dot', 'traversal', '%2e%2e/'),
  plain('crlf set-cookie', 'crlf', 'x\r\nSet-Cookie: a=b'),
  encoded('encoded crlf location', 'crlf', '%0d%0aLocation:%20https://evil.example'),
  plain('10 000 characters', 'overlong', 'ä<'.repeat(5_000)),
  plain('300 000 characters', 'overlong', 'a'.repeat(300_000)),
  raw('raw bytes C0 AF', [0xc0, 0xaf]),
  raw('raw byte FF', [0xff]),
  encoded('lone surrogate', 'invalid-utf8', '%ED%A0%80'),
  encoded('overlong slash', 'invalid-utf8', '%C0%AF'),
  plain('nul inside', 'null', 'a\u0000b'),
  encoded('nul alone', 'null', '%00'),
  plain('right-to-left override', 'unicode', 'factuur\u202Efdp.exe'),
  plain('zero-width', 'unicode', 'hech\u200Bting\u200D\uFEFF'),
  plain('minus one', 'number', '-1'),
  plain('1e309', 'number', '1e309'),
  plain('twenty nines', 'number', '99999999999999999999'),
  plain('2^31', 'number', '2147483648'),
  // The largest id PostgreSQL can hold: valid everywhere, names nothing.
  plain('largest id', 'number', '2147483647'),
  plain('empty', 'empty', ''),
  plain('whitespace', 'empty', ' \t\n\u00A0'),
];

/**
 * The smaller set used on the PostgreSQL server: the kinds whose fate depends on the database
 * (quoting, encoding, NUL, integer range, index row size). The rest is the same on both, and runs on PGlite.
 */
export const HOSTILE_SAMPLE: Hostile[] = ['script tag', 'sql drop', '10 000 characters', 'raw bytes C0 AF', 'nul inside', '2^31', 'largest id'].map((name) => {
  const h = HOSTILE.find((x) => x.name === name);
  if (!h) throw new Error(`no hostile string named ${name}`);
  return h;
});

// ---------------------------------------------------------------- recognising a reflection

/** Substrings that mean markup or an attribute got through unescaped. Escaped, none of them can appear. */
export const NEEDLES = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '" onmouseover="x', "' autofocus onfocus='x"];

export interface Tag {
  name: string;
  attrs: Map<string, string>;
  /** For <script> and <style>: their raw text. */
  text?: string;
}

const decodeEntities = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);?/gi, (_, h) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * The start tags of an HTML document the way a browser's tokenizer sees them: comments skipped,
 * <script>/<style> contents taken as raw text up to their end tag, attributes quoted, unquoted or
 * bare. Enough to ask "which elements and attributes are in this page", which is the question an
 * injection changes the answer to.
 */
export function tagsOf(html: string): Tag[] {
  const tags: Tag[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    const m = /^<([a-zA-Z][a-zA-Z0-9-]*)/.exec(html.slice(lt, lt + 64));
    if (!m?.[1]) {
      i = lt + 1;
      continue;
    }
    const name = m[1].toLowerCase();
    let j = lt + m[0].length;
    const attrs = new Map<string, string>();
    const attr = /\s*([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?|\s*\/|\s+/y;
    while (j < html.length && html[j] !== '>') {
      attr.lastIndex = j;
      const a = attr.exec(html);
      if (!a || a[0] === '') {
        j++;
        continue;
      }
      if (a[1] && !attrs.has(a[1].toLowerCase())) attrs.set(a[1].toLowerCase(), decodeEntities(a[2] ?? a[3] ?? a[4] ?? ''));
      j = attr.lastIndex;
    }
    const tag: Tag = { name, attrs };
    i = j + 1;
    if (name === 'script' || name === 'style') {
      const close = html.toLowerCase().indexOf(`</${name}`, i);
      tag.text = html.slice(i, close < 0 ? html.length : close);
      i = close < 0 ? html.length : close;
    }
    tags.push(tag);
  }
  return tags;
}

const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'data'];

/** Why this HTML page shows an injection, or [] when it does not. */
export function injectionsIn(html: string): string[] {
  const found: string[] = [];
  for (const needle of NEEDLES) if (html.includes(needle)) found.push(`literal ${JSON.stringify(needle)}`);
  for (const tag of tagsOf(html)) {
    for (const [name, value] of tag.attrs) {
      // The app has no inline event handlers at all (its CSP forbids them), so any is injected.
      if (name.startsWith('on')) found.push(`<${tag.name} ${name}="${value.slice(0, 40)}">`);
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value.replace(/[\u0000-\u0020]/g, ''))?.[1]?.toLowerCase();
      // data: is fine for an icon or an image (the layout's empty favicon is one), never for a link or a frame.
      if (URL_ATTRS.includes(name) && (scheme === 'javascript' || scheme === 'vbscript' || (scheme === 'data' && !['link', 'img'].includes(tag.name))))
        found.push(`<${tag.name} ${name}="${value.slice(0, 40)}">`);
    }
    if (tag.name === 'script' && !tag.attrs.has('src')) {
      const type = tag.attrs.get('type') ?? '';
      // JSON-LD is data, not script, but it must not end the element early or carry the payload as code.
      if (type !== 'application/ld+json') found.push(`inline <script type="${type}">`);
      else if (/alert\(1\)/.test(tag.text ?? '') && /<\/?script|<img/i.test(tag.text ?? '')) found.push('markup inside JSON-LD');
    }
    if (tag.name === 'img' && tag.attrs.get('src') === 'x') found.push('<img src=x>');
    if (tag.name === 'base') found.push('<base>');
    if (tag.name === 'meta' && /refresh/i.test(tag.attrs.get('http-equiv') ?? '')) found.push('<meta http-equiv="refresh">');
  }
  return found;
}

export interface Checked {
  status: number;
  problems: string[];
}

/**
 * Everything a hostile request must never produce: a server error, markup or an attribute that got
 * through unescaped, or a header that was split or points elsewhere.
 */
export async function checkResponse(res: Response): Promise<Checked> {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  for (const [key, value] of res.headers) {
    if (/[\r\n]/.test(value)) problems.push(`header ${key} contains CR/LF`);
    if (key === 'refresh') problems.push(`Refresh header: ${value.slice(0, 80)}`);
  }
  for (const cookie of res.headers.getSetCookie()) if (/^\s*a=b\b/.test(cookie) || /;\s*a=b\b/.test(cookie)) problems.push(`injected cookie: ${cookie}`);
  const location = res.headers.get('Location');
  if (location !== null && !/^\/(?![/\\])/.test(location)) problems.push(`Location leaves the site: ${location.slice(0, 80)}`);
  const type = res.headers.get('Content-Type') ?? '';
  if (res.status !== 304 && res.status !== 204 && res.body && !type) problems.push('a body without Content-Type');
  if (type.startsWith('text/html')) {
    const html = await res.text();
    for (const p of injectionsIn(html)) problems.push(`injection: ${p}`);
  } else if (/xml|text\/plain|text\/calendar|text\/csv/.test(type)) {
    const text = await res.text();
    for (const needle of NEEDLES) if (text.includes(needle)) problems.push(`literal ${JSON.stringify(needle)} in ${type}`);
  } else if (/json/.test(type)) {
    // JSON may carry the text as data; it must never be sniffable as HTML.
    if (res.headers.get('X-Content-Type-Options') !== 'nosniff') problems.push('JSON without nosniff');
    await res.arrayBuffer();
  } else {
    await res.arrayBuffer();
  }
  return { status: res.status, problems };
}
