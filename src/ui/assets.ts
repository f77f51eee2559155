import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PurgeCSS } from 'purgecss';

/** NL Design System pieces we use: the Utrecht tokens plus only the components the views render. */
const UTRECHT = [
  '@utrecht/design-tokens/dist/theme.css',
  '@utrecht/document-css/dist/index.css',
  '@utrecht/skip-link-css/dist/index.css',
  '@utrecht/breadcrumb-nav-css/dist/index.css',
  '@utrecht/heading-1-css/dist/index.css',
  '@utrecht/heading-2-css/dist/index.css',
  '@utrecht/heading-3-css/dist/index.css',
  '@utrecht/paragraph-css/dist/index.css',
  '@utrecht/link-css/dist/index.css',
  '@utrecht/button-css/dist/index.css',
  '@utrecht/form-field-css/dist/index.css',
  '@utrecht/form-label-css/dist/index.css',
  '@utrecht/textbox-css/dist/index.css',
  '@utrecht/unordered-list-css/dist/index.css',
  '@utrecht/table-css/dist/index.css',
  '@utrecht/alert-css/dist/index.css',
];

export interface Asset {
  path: string;
  body: string;
  type: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const srcRoot = join(here, '..');
const require = createRequire(import.meta.url);

function viewSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...viewSources(p));
    else if (/\.(tsx|ts|js)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(p);
  }
  return out;
}

// Elements that Markdown renders inside .hw-prose; they never appear literally in a view.
const MARKDOWN_ELEMENTS = 'h2 h3 h4 p ul ol li blockquote a strong em code pre hr table thead tbody tr th td';

let built: Promise<{ css: Asset; scripts: Asset[] }> | undefined;

export async function buildCss(): Promise<string> {
  const raw = [
    ...UTRECHT.map((p) => readFileSync(require.resolve(p), 'utf8')),
    readFileSync(join(here, 'styles/theme.css'), 'utf8'),
    readFileSync(join(here, 'styles/app.css'), 'utf8'),
  ].join('\n');
  const [result] = await new PurgeCSS().purge({
    content: [...viewSources(srcRoot).map((file) => ({ raw: readFileSync(file, 'utf8'), extension: 'html' })), { raw: MARKDOWN_ELEMENTS, extension: 'html' }],
    css: [{ raw }],
    variables: true,
    safelist: { standard: ['html', 'body', ':root'] },
  });
  return minify(result?.css ?? '');
}

function minify(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{}:;,>])\s*/g, '$1')
    .replace(/;}/g, '}')
    .trim();
}

function hashed(name: string, ext: string, body: string, type: string): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/assets/${name}.${hash}.${ext}`, body, type };
}

/**
 * Suggestions while typing in the search field (src/site/suggest.ts). Hashed when this module
 * loads, so the search form can name it itself wherever it is rendered (src/site/search.tsx).
 */
export const suggestScript = hashed('zoeksuggesties', 'js', readFileSync(join(srcRoot, 'site/suggest.client.js'), 'utf8'), 'text/javascript; charset=utf-8');

/**
 * The signalenlijst script: its pure store module (tested in Node) followed by the page code,
 * as one module file. client.js imports store.js for the type checker and the tests; here that
 * one import line is dropped, since both are served as a single file.
 */
export function signalsScript(): string {
  const store = readFileSync(join(srcRoot, 'signals/store.js'), 'utf8');
  const client = readFileSync(join(srcRoot, 'signals/client.js'), 'utf8');
  const importLine = /^import \{[^}]*\} from '\.\/store\.js';\n/m;
  if (!importLine.test(client)) throw new Error('src/signals/client.js: expected one import from ./store.js');
  return `${store}\n${client.replace(importLine, '')}`;
}

/** Builds the CSS once per process; file names carry a content hash, so they are cached for a year. */
export function assets(): Promise<{ css: Asset; scripts: Asset[] }> {
  built ??= (async () => ({
    css: hashed('app', 'css', await buildCss(), 'text/css; charset=utf-8'),
    scripts: [
      hashed('signalenlijst', 'js', signalsScript(), 'text/javascript; charset=utf-8'),
      hashed('thema-editor', 'js', readFileSync(join(srcRoot, 'themes/editor.client.js'), 'utf8'), 'text/javascript; charset=utf-8'),
      hashed('aanwezigheid', 'js', readFileSync(join(srcRoot, 'trainings/attendance.client.js'), 'utf8'), 'text/javascript; charset=utf-8'),
      suggestScript,
    ],
  }))();
  return built;
}
