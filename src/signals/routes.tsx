import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../context.ts';
import { page } from '../ui/render.tsx';
import { emptyAnswers, evaluate, parseAnswers } from './service.ts';
import { BlankList, SignalsForm, SignalsResult } from './views.tsx';

export const signalRoutes = new Hono<AppEnv>();

const ymd = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' });
const crumbs = [{ href: '/signalenlijst', label: 'Signalenlijst' }];

function scripts(c: Ctx): string[] {
  return c
    .get('deps')
    .assets.scripts.filter((s) => s.path.startsWith('/assets/signalenlijst.'))
    .map((s) => s.path);
}

/**
 * Nothing a professional fills in is stored or logged: the answers live in this request only, and
 * the request log has the path only. Responses that carry answers are `private` (no shared cache
 * or proxy keeps them) and `no-cache`, deliberately not `no-store`: the browser may then show the
 * form or the overview again from its own cache when Back is pressed, instead of a "resubmit
 * form" error page (Chromium, with or without its back/forward cache; the Meldcode guide does the
 * same). The form says so, and how to clear it on a shared computer. With JavaScript no answers
 * page is ever navigated to: the overview is fetched and shown in the form page.
 */
const privateNoCache = (c: Ctx) => c.header('Cache-Control', 'private, no-cache');

signalRoutes.get('/', (c) => {
  const def = c.get('deps').signals;
  // Not dated: the page is the same for everyone and every day (the script fills in today).
  return page(c, { title: def.title, description: def.intro[0], crumbs, scripts: scripts(c) }, <SignalsForm def={def} answers={emptyAnswers(def)} today="" />);
});

signalRoutes.get('/blanco', (c) => {
  const def = c.get('deps').signals;
  return page(
    c,
    {
      title: `${def.title} om af te drukken`,
      description: 'De lege signalenlijst om af te drukken en met pen in te vullen tijdens het observeren van een jong kind.',
      crumbs: [...crumbs, { href: '/signalenlijst/blanco', label: 'Lege lijst' }],
    },
    <BlankList def={def} />,
  );
});

async function readForm(c: Ctx) {
  const deps = c.get('deps');
  const today = ymd.format(deps.now());
  const form = await c.req.parseBody({ all: true });
  return { def: deps.signals, today, ...parseAnswers(deps.signals, form, today) };
}

// `/uitslag` was the address before version 2026.3; a form still open in a browser posts there.
signalRoutes.on('POST', ['/overzicht', '/uitslag'], async (c) => {
  const { def, today, answers, errors } = await readForm(c);
  privateNoCache(c);
  if (Object.keys(errors).length) {
    return page(
      c,
      { title: `Controleer je antwoorden – ${def.title}`, status: 400, crumbs, scripts: scripts(c) },
      <SignalsForm def={def} answers={answers} errors={errors} today={today} filled />,
    );
  }
  return page(
    c,
    { title: 'Overzicht van je observatie – signalenlijst', crumbs: [...crumbs, { href: '/signalenlijst', label: 'Overzicht' }] },
    <SignalsResult def={def} answers={answers} result={evaluate(def, answers)} />,
  );
});

signalRoutes.post('/aanpassen', async (c) => {
  const { def, today, answers, errors } = await readForm(c);
  privateNoCache(c);
  return page(c, { title: def.title, crumbs, scripts: scripts(c) }, <SignalsForm def={def} answers={answers} errors={errors} today={today} filled />);
});
