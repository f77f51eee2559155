import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../context.ts';
import { page } from '../ui/render.tsx';
import { firstScreen, nextScreen, type Screen } from './service.ts';
import { AFWEGINGSKADER_PATH } from './steps.ts';
import { AdviceScreen, InvalidState, MeldcodeOverview, QuestionScreen } from './views.tsx';

export const meldcodeRoutes = new Hono<AppEnv>();

const TITLE = 'Meldcode huiselijk geweld en kindermishandeling';
const crumbs = [{ href: '/meldcode', label: 'Meldcode' }];
const guideCrumbs = [...crumbs, { href: AFWEGINGSKADER_PATH, label: 'Afwegingskader' }];

const isoDate = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' });
const dutchDate = new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', day: 'numeric', month: 'long', year: 'numeric' });

meldcodeRoutes.get('/', (c) =>
  page(
    c,
    {
      title: TITLE,
      description: 'De vijf stappen van de Meldcode huiselijk geweld en kindermishandeling en het afwegingskader, vraag voor vraag.',
      crumbs,
    },
    <MeldcodeOverview />,
  ),
);

/**
 * The guide's whole state travels in the form. Nothing is stored, logged (the request log has the
 * path only) or cached: every response is no-store, so no shared cache or back button keeps answers.
 */
function render(c: Ctx, screen: Screen): Promise<Response> {
  c.header('Cache-Control', 'no-store');
  switch (screen.kind) {
    case 'question': {
      const title = `Afwegingskader, vraag ${screen.question.number}`;
      return page(
        c,
        {
          title: screen.missingAnswer ? `Fout: ${title}` : title,
          description:
            'Het afwegingskader van de Meldcode, vraag voor vraag: is melden bij Veilig Thuis noodzakelijk, en is hulp bieden of organiseren mogelijk?',
          crumbs: guideCrumbs,
          status: screen.missingAnswer ? 400 : 200,
        },
        <QuestionScreen answers={screen.answers} question={screen.question} selected={screen.selected} missingAnswer={screen.missingAnswer} />,
      );
    }
    case 'advice': {
      const now = c.get('deps').now();
      return page(
        c,
        { title: `Uitkomst afwegingskader: ${screen.outcome.title}`, crumbs: guideCrumbs },
        <AdviceScreen answers={screen.answers} outcome={screen.outcome} date={{ iso: isoDate.format(now), label: dutchDate.format(now) }} />,
      );
    }
    case 'invalid':
      return page(c, { title: 'Begin het afwegingskader opnieuw', crumbs: guideCrumbs, status: 400 }, <InvalidState />);
  }
}

meldcodeRoutes.get('/afwegingskader', (c) => render(c, firstScreen()));

meldcodeRoutes.post('/afwegingskader', async (c) => {
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch {
    // A body that is not a form (a broken multipart upload, say) is a bad request, not our error.
    return render(c, { kind: 'invalid' });
  }
  return render(c, nextScreen(form));
});
