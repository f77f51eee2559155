import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ContentError } from '../content/loader.ts';
import type { Db } from '../db/client.ts';
import { appSettings } from '../db/schema.ts';
import { needsContact, organisationFields } from './form.ts';
import { createOrganisation } from './service.ts';

const fileSchema = z.array(
  organisationFields
    .extend({
      // Every entry is fictional unless the file says otherwise (Veilig Thuis is the real one).
      demo: z.boolean().default(true),
      published: z.boolean().default(true),
    })
    .strict()
    .superRefine(needsContact),
);

const MARKER = 'network_demo_loaded';

/**
 * Loads the demo organisations on the first start only. A marker row, written in the same
 * transaction, keeps them from coming back after editors delete them, and makes a second
 * instance starting at the same moment wait and then skip.
 */
export async function importDemoOrganisations(db: Db, path: string): Promise<number> {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return 0;
    throw new ContentError(`${relative(process.cwd(), path) || path}: geen geldige YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `veld "${i.path.join('.') || '(geheel)'}": ${i.message}`);
    throw new ContentError(`${relative(process.cwd(), path) || path}: ${problems.join('; ')}`);
  }
  return db.transaction(async (tx) => {
    const [first] = await tx.insert(appSettings).values({ key: MARKER, value: new Date().toISOString() }).onConflictDoNothing().returning();
    if (!first) return 0;
    // Same rules as an editor's save (themes must exist, search index, audit, content version), in this one transaction.
    for (const org of parsed.data) await createOrganisation(tx, null, org);
    return parsed.data.length;
  });
}
