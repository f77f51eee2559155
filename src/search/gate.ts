import { availableParallelism } from 'node:os';

/**
 * At most `limit` searches run in the database at once; the others wait their turn, first come
 * first served, for at most `maxWaitMs` (then BusyError: the route answers 503 with Retry-After).
 *
 * Why: a search's cost varies tenfold (a rare word: a few index entries; "kind": a thousand rows
 * ranked). When ten run at once on two cores, each gets a fifth of a core, so a 6 ms query takes
 * 30 ms, and the slowest queries set the 95th percentile. In turn, every search waits about the
 * same while it queues and then runs at full speed: the same throughput, a shorter tail. Measured
 * (bench:search, PostgreSQL, 10 connections, 2 cores): p95 36 ms ungated, 26 ms with 4 at once,
 * at 707 requests/s either way; with 2 at once the database idled between queries (556/s).
 *
 * The default is one more than the cores (defaultLimit). With twice the cores (4 here), the fourth
 * search's backend shares the two cores with three others and this process, and the slow ones stretch
 * most. Four interleaved pairs of bench:search runs on this 2-core machine, 3 against 4 at once:
 * PostgreSQL p95 22.5 / 24.4 / 23.3 / 21.1 ms against 29.2 / 26.4 / 26.0 / 23.4 (3 was lower every
 * time), embedded 23.1 / 22.9 / 23.7 / 25.1 against 25.9 / 31.6 / 22.6 / 24.6 (means 23.7 and 26.2),
 * at the same throughput (653–744 against 550–765 requests/s); p95 / p50 1.68 against 1.83 on average.
 */
export const defaultLimit = () => availableParallelism() + 1;

export class BusyError extends Error {
  constructor() {
    super('search queue full');
  }
}

export class Gate {
  private running = 0;
  private readonly waiting: { start: () => void; timer: NodeJS.Timeout }[] = [];

  constructor(
    readonly limit: number,
    private readonly maxWaitMs = 5000,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const entry = {
          start: () => {
            clearTimeout(entry.timer);
            resolve();
          },
          timer: setTimeout(() => {
            this.waiting.splice(this.waiting.indexOf(entry), 1);
            reject(new BusyError());
          }, this.maxWaitMs),
        };
        this.waiting.push(entry);
      });
    } else this.running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line (running stays the same), or is freed.
      const next = this.waiting.shift();
      if (next) next.start();
      else this.running--;
    }
  }

  get queued(): number {
    return this.waiting.length;
  }
}
