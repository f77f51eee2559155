import type { Queryable } from '../db/client.ts';
import { auditLog } from '../db/schema.ts';

/** One line in the audit log: who did what to which subject, with details for the record. */
export async function audit(tx: Queryable, actorId: number | null, action: string, subject = '', details: Record<string, unknown> = {}) {
  await tx.insert(auditLog).values({ actorId, action, subject, details });
}
