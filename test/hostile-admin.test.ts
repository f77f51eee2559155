/**
 * Hostile input refused (issue #8): the editors’ forms (/beheer, logged in). Each hostile string goes into each form field, path
 * and query parameter, the other fields valid, so it reaches as deep as it can. No answer may be a
 * server error or a hang, reflect markup unescaped or split a header; a refused request (4xx) must
 * not change a row. Full list on PGlite, a sample on the PostgreSQL server. See also test/hostile-forms.test.ts.
 */
import { describeFormMatrix } from './hostile-harness.ts';
import { ROUTES, roleRuleFor } from './routes.ts';

describeFormMatrix(
  'the editors’ forms (/beheer, logged in)',
  ROUTES.filter((r) => r.route.startsWith('POST ') && !r.skipMatrix).filter(
    (r) => r.route.startsWith('POST /beheer/') && roleRuleFor(r.route.slice(5))?.access !== 'public',
  ),
);
