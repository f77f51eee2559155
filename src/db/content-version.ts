import { eq, sql } from 'drizzle-orm';
import type { Db, Queryable } from './client.ts';
import { appSettings } from './schema.ts';

/**
 * The version of all public content. Every change to content bumps it in the same transaction, so
 * a rendered page cached under an older version is never served again by this instance, and by
 * other instances once they re-read the version (at most `maxAgeMs` later).
 */
export class ContentVersion {
  private value = -1;
  private checkedAt = 0;
  // When the last read failed (the database could not be reached); 0 once a read succeeds.
  private failedAt = 0;
  private inflight: Promise<number> | undefined;
  // Bumped by invalidate(): a read that started before it must not count as fresh after it.
  private generation = 0;

  constructor(
    private readonly db: Db,
    private readonly maxAgeMs = 1000,
    /** How long pages of the last version read may still be served while the database cannot be reached. */
    private readonly outageMs = 5 * 60_000,
  ) {}

  async current(): Promise<number> {
    const fresh = this.peek();
    if (fresh !== undefined) return fresh;
    this.inflight ??= this.read();
    return this.inflight;
  }

  /** The version if it was read within `maxAgeMs`, without waiting; otherwise undefined (and a re-read starts). */
  peek(): number | undefined {
    if (this.value >= 0 && Date.now() - this.checkedAt < this.maxAgeMs) return this.value;
    this.inflight ??= this.read();
    // The read's failure is the next current() caller's to see; here it must not go unhandled.
    this.inflight.catch(() => {});
    return undefined;
  }

  /**
   * While the database cannot be reached (the last read of the version failed): the version read
   * last, if that was less than `outageMs` ago, so that pages cached under it can still be served.
   * Otherwise undefined. Never after this instance changed content itself (invalidate()).
   */
  lastKnown(): number | undefined {
    if (this.failedAt === 0 || this.value < 0 || this.checkedAt === 0) return undefined;
    return Date.now() - this.checkedAt < this.outageMs ? this.value : undefined;
  }

  private async read(): Promise<number> {
    const generation = this.generation;
    const startedAt = Date.now();
    try {
      const [row] = await this.db.select().from(appSettings).where(eq(appSettings.key, 'content_version'));
      const value = Number(row?.value ?? 0);
      if (generation === this.generation) {
        this.value = value;
        this.checkedAt = startedAt;
        this.failedAt = 0;
      }
      return value;
    } catch (err) {
      if (generation === this.generation) this.failedAt = Date.now();
      throw err;
    } finally {
      if (generation === this.generation) this.inflight = undefined;
    }
  }

  /** Marks this instance's view as stale at once (call after the bumping transaction commits). */
  invalidate(): void {
    this.generation++;
    this.checkedAt = 0;
    this.inflight = undefined;
  }
}

/** Call inside the transaction that changes public content. */
export async function bumpContentVersion(tx: Queryable): Promise<void> {
  await tx
    .insert(appSettings)
    .values({ key: 'content_version', value: '1' })
    .onConflictDoUpdate({ target: appSettings.key, set: { value: sql`(${appSettings.value}::bigint + 1)::text` } });
}
