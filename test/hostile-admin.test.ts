/**
 * Hostile input refused (issue #8): the editors’ forms (/beheer, logged in). Each hostile string goes into each form field, path
 * and query parameter, the other fields valid, so it reaches as deep as it can. No answer may be a
 * server error or a hang, reflect markup unescaped or split a header; a refused request (4xx) must
 * not change a row. Full list on PGlite, a sample on the PostgreSQL server. See also test/hostile-forms.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends } from './helpers.ts';
import { type HostileApp, hostileApp, MATRIX_TIMEOUT_MS } from './hostile-harness.ts';
import { ROUTES, roleRuleFor } from './routes.ts';

const specs = ROUTES.filter((r) => r.route.startsWith('POST ') && !r.skipMatrix).filter(
  (r) => r.route.startsWith('POST /beheer/') && roleRuleFor(r.route.slice(5))?.access !== 'public',
);

describe.each(backends())('hostile form input on %s: the editors’ forms (/beheer, logged in)', (kind: Backend) => {
  let h: HostileApp;
  beforeAll(async () => {
    h = await hostileApp(kind);
  });
  afterAll(async () => {
    console.info(`hostile form matrix (admin) on ${kind}: ${h?.sent} requests`);
    await h?.close();
  });

  it.each(specs.map((s) => [s.route, s] as const))(
    '%s',
    async (_name, spec) => {
      const { failures, refused, targets } = await h.hostilePost(spec);
      expect(failures, failures.join('\n')).toEqual([]);
      // The matrix must reach the refusal paths at all: on every form with input, some hostile values are refused.
      if (targets) expect(refused).toBeGreaterThan(0);
    },
    MATRIX_TIMEOUT_MS,
  );
});
