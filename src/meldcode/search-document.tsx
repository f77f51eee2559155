import { plainBlocks } from '../content/markdown.ts';
import type { SearchDocument } from '../search/service.ts';
import { ACUTE_ROUTES, MELDCODE_LEAD, MELDCODE_PATH, MELDCODE_TITLE, STEPS } from './steps.ts';
import { MeldcodeFacts } from './views.tsx';

/**
 * The guide as one search document: found by "meldcode", "afwegingskader", a step's words, and by
 * what else its overview shows: who works with the meldcode and the meldrecht with a beroepsgeheim
 * (that section rendered as the page shows it), the warning about the special forms of violence, and
 * the numbers for direct help. The steps come first: a passage is cut from the first block that
 * holds the words, so "vermoeden" or "anoniem" shows what a step says, not a phone number's note.
 */
export async function meldcodeSearchDocument(): Promise<SearchDocument> {
  const facts = plainBlocks(String(await (<MeldcodeFacts />).toString())).split('\n\n');
  const warnings = [...new Set(STEPS.flatMap((s) => (s.warning ? [s.warning] : [])))];
  return {
    kind: 'guide',
    ref: 'meldcode',
    title: MELDCODE_TITLE,
    url: MELDCODE_PATH,
    summary: MELDCODE_LEAD,
    body: [
      ...STEPS.flatMap((s) => [`Stap ${s.number}: ${s.title}`, s.summary, ...s.todo]),
      ...facts,
      ...warnings,
      ...ACUTE_ROUTES.flatMap((r) => [`${r.name}: ${r.display}`, r.forWhat]),
    ].join('\n\n'),
    labels: 'stappenplan afwegingskader Veilig Thuis melden',
  };
}
