import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../context.ts';
import { page } from '../ui/render.tsx';
import { firstScreen, GUIDES, type Guide, nextScreen, type Screen } from './service.ts';
import { MELDCODE_TITLE } from './steps.ts';
import { AdviceScreen, InvalidState, MeldcodeOverview, QuestionScreen } from './views.tsx';

export const meldcodeRoutes = new Hono<AppEnv>();

const crumbs = [{ href: '/meldcode', label: 'Meldcode' }];
const guideCrumbs = (guide: Guide) => [
  ...crumbs,
  ...(guide.id === 'evaluatie'
    ? [
        { href: GUIDES.afwegingskader.path, label: 'Afwegingskader' },
        { href: guide.path, label: 'Evaluatie' },
      ]
    : [{ href: guide.path, label: 'Afwegingskader' }]),
];

const isoDate = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' });
const dutchDate = new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', day: 'numeric', month: 'long', year: 'numeric' });

meldcodeRoutes.get('/', (c) =>
  page(
    c,
    {
      title: MELDCODE_TITLE,
      description: 'De vijf stappen van de Meldcode huiselijk geweld en kindermishandeling en het afwegingskader, vraag voor vraag.',
      crumbs,
    },
    <MeldcodeOverview />,
  ),
);

/**
 * The guide's whole state travels in the form: the answers and the reasoning typed per question.
 * Nothing is stored or logged (the request log has the path only), and no shared cache keeps a
 * screen: every response is `private`. It is not `no-store`, on purpose: a browser may then show
 * an earlier screen again from its own cache when Back is pressed, instead of a "resubmit form"
 * page (Chromium, with or without its back/forward cache; test/e2e/meldcode.test.ts).
 */
function render(c: Ctx, screen: Screen): Promise<Response> {
  c.header('Cache-Control', 'private, no-cache');
  const { guide } = screen;
  switch (screen.kind) {
    case 'question': {
      const title = guide.id === 'evaluatie' ? 'Evaluatie van de hulp, vraag 5' : `Afwegingskader, vraag ${screen.question.number}`;
      return page(
        c,
        {
          title: screen.errors ? `Fout: ${title}` : title,
          description:
            'Het afwegingskader van de Meldcode, vraag voor vraag: is melden bij Veilig Thuis noodzakelijk, en is hulp bieden of organiseren (ook) mogelijk?',
          crumbs: guideCrumbs(guide),
          status: screen.errors ? 400 : 200,
        },
        <QuestionScreen
          guide={guide}
          answers={screen.answers}
          question={screen.question}
          selected={screen.selected}
          note={screen.note}
          errors={screen.errors}
        />,
      );
    }
    case 'advice': {
      const now = c.get('deps').now();
      return page(
        c,
        { title: `Uitkomst: ${screen.outcome.title}`, crumbs: guideCrumbs(guide) },
        <AdviceScreen guide={guide} answers={screen.answers} outcome={screen.outcome} date={{ iso: isoDate.format(now), label: dutchDate.format(now) }} />,
      );
    }
    case 'invalid':
      return page(c, { title: 'Begin het afwegingskader opnieuw', crumbs: guideCrumbs(guide), status: 400 }, <InvalidState guide={guide} />);
  }
}

for (const guide of Object.values(GUIDES)) {
  const path = guide.path.slice('/meldcode'.length);
  meldcodeRoutes.get(path, (c) => render(c, firstScreen(guide)));
  meldcodeRoutes.post(path, async (c) => {
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody({ all: true });
    } catch {
      // A body that is not a form (a broken multipart upload, say) is a bad request, not our error.
      return render(c, { kind: 'invalid', guide });
    }
    return render(c, nextScreen(guide, form));
  });
}
