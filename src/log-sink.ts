/**
 * Where the log lines go: JSON lines gathered in one reused buffer and handed to stdout together,
 * so a busy instance makes one system call for about twenty request lines instead of one each.
 *
 * Lines wait until `threshold` bytes are gathered or flush() is called (createLogger does so
 * every 200 ms and at exit); an error line (pino level 50 or 60) is written at once, with
 * everything before it. The hand-over to the file descriptor is
 * `pino.destination`'s (sonic-boom, synchronous): it retries when a pipe is full (EAGAIN) instead
 * of dropping lines.
 *
 * Measured on the cached theme page (one process, wrk with 50 connections): sonic-boom's own
 * buffering costs ~490 ns a line and leaves a growing string behind for the garbage collector;
 * this buffer costs ~50 ns and allocates nothing.
 */
export interface Output {
  write(chunk: Buffer): unknown;
  flushSync?(): void;
}

// `{"level":5…` and `{"level":6…`: error and fatal.
const LEVEL_DIGIT = '{"level":'.length;
const urgent = (line: string) => line.charCodeAt(LEVEL_DIGIT) >= 53 /* '5' */ && line.charCodeAt(LEVEL_DIGIT + 1) === 48; /* '0' */

export class LineSink {
  private buf: Buffer;
  private len = 0;

  constructor(
    private readonly out: Output,
    private readonly threshold = 4096,
  ) {
    this.buf = Buffer.allocUnsafe(threshold * 4);
  }

  /** One or more whole lines, each ending in "\n" (pino's stream interface). */
  write(line: string): boolean {
    if (!this.room(line.length)) {
      this.out.write(Buffer.from(line, 'utf8'));
      return true;
    }
    this.len += this.buf.write(line, this.len, 'utf8');
    if (this.len >= this.threshold || urgent(line)) this.flush();
    return true;
  }

  /**
   * One whole line given as parts, written one after the other into the buffer: joining them first
   * would make a string to copy once more and to collect (the request log line, written for every
   * cached page, cost a fifth of the front door's throughput that way). Never an error line.
   */
  writeParts(parts: readonly string[]): void {
    let chars = 0;
    for (const part of parts) chars += part.length;
    if (!this.room(chars)) {
      this.out.write(Buffer.from(parts.join(''), 'utf8'));
      return;
    }
    for (const part of parts) this.len += this.buf.write(part, this.len, 'utf8');
    if (this.len >= this.threshold) this.flush();
  }

  /**
   * Makes room for a line of `chars` characters, handing over what is gathered when it would not
   * fit after it; false when the line is longer than the whole buffer (it then goes out on its own,
   * after what was gathered). A character takes at most 3 bytes in UTF-8 (a surrogate pair 4 for 2).
   */
  private room(chars: number): boolean {
    if (chars * 3 <= this.buf.length - this.len) return true;
    this.flush();
    return chars * 3 <= this.buf.length;
  }

  /** Hands what is gathered to the output (a copy: the output may keep it while a pipe is full). */
  flush(): void {
    if (this.len === 0) return;
    const chunk = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    this.out.write(chunk);
  }

  flushSync(): void {
    this.flush();
    this.out.flushSync?.();
  }
}

let lastMs = -1;
let lastIso = '';
/** `new Date().toISOString()`, computed once per millisecond: a busy instance logs many lines in one. */
export function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** pino's `timestamp` option: the same field as `pino.stdTimeFunctions.isoTime`. */
export const isoTimestamp = () => `,"time":"${isoNow()}"`;
