/**
 * A buffered CSV writer on a file descriptor that formats numbers straight into bytes: a step's row
 * is a dozen numbers, and turning each into a string first (String(x), then concatenation) was most
 * of the per-step cost of a run (a third of it on short steps). Blocks of 64 KiB are written as they
 * fill, so memory stays flat however long the run.
 *
 * The bytes are the ones `num` (format.ts) and csv-stringify's defaults give, which the golden test
 * holds: `number` writes what `num` returns, `cell` what csvCell does.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { num } from './format.js';

const BLOCK = 1 << 16;
const COMMA = 44;
const NEWLINE = 10;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NEEDS_QUOTES = /[",\n\r]/;
/** "00" to "99" as ASCII digit pairs: numbers are written two digits per division. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = ZERO + Math.floor(i / 10);
  PAIRS[2 * i + 1] = ZERO + (i % 10);
}
/** Cells up to this many bytes are copied byte by byte: Buffer.copy is a call into C++, slower for a name. */
const SHORT_CELL = 32;

/** A string cell as csv-stringify writes it by default: quoted when it holds a quote, comma or line break. */
export function csvCell(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export class CsvFile {
  private readonly buf = Buffer.allocUnsafe(BLOCK);
  private pos = 0;
  private readonly fd: number;
  /** Cells already quoted and encoded, by their string (service and pool names repeat every step). */
  private readonly cells = new Map<string, Buffer>();

  constructor(path: string, columns: readonly string[]) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, stringify([columns as unknown as string[]]));
  }

  /** One record, its cells already joined with commas, without the line break. */
  add(line: string): void {
    this.text(line);
    this.newline();
  }

  /** A string cell, quoted as csv-stringify would; then a comma unless `last`. */
  cell(s: string): void {
    let b = this.cells.get(s);
    if (b === undefined) {
      b = Buffer.from(csvCell(s), 'utf8');
      if (this.cells.size < 4096) this.cells.set(s, b);
    }
    const n = b.length;
    if (this.pos + n > BLOCK) this.flush();
    if (n <= SHORT_CELL) {
      const buf = this.buf;
      const p = this.pos;
      for (let i = 0; i < n; i++) buf[p + i] = b[i];
      this.pos = p + n;
    } else if (n > BLOCK) writeSync(this.fd, b);
    else {
      b.copy(this.buf, this.pos);
      this.pos += n;
    }
  }

  comma(): void {
    if (this.pos >= BLOCK) this.flush();
    this.buf[this.pos++] = COMMA;
  }

  newline(): void {
    if (this.pos >= BLOCK) this.flush();
    this.buf[this.pos++] = NEWLINE;
  }

  /** `num(x)`'s bytes: '' for null or NaN, an integer as itself, otherwise rounded to 6 decimals. */
  number(x: number | null): void {
    if (x === null || x !== x) return;
    if (this.pos > BLOCK - 64) this.flush();
    if (Number.isInteger(x)) {
      if (x < 1e15 && x > -1e15) this.integer(x);
      else this.text(num(x));
      return;
    }
    // round6Finite's fast case (format.ts): the 6-decimal value is n / 1e6 with n = round(x * 1e6),
    // and String(n / 1e6) is n's digits with the point before the last six and trailing zeros cut
    // (no shorter decimal lies within the double's rounding error, 1e-6 apart as they are).
    const y = x * 1e6;
    if (y > -2147483648 && y < 2147483648) {
      const f = y - Math.floor(y);
      if (f < 0.499999 || f > 0.500001) {
        let n = Math.round(y);
        if (n < 0) {
          this.buf[this.pos++] = MINUS;
          n = -n;
        }
        const whole = Math.floor(n / 1e6);
        // Below 1e6: int32 arithmetic from here (a float % is a call into C).
        const frac = (n - whole * 1e6) | 0;
        this.integer(whole);
        if (frac === 0) return;
        // The six decimals as three digit pairs, then the trailing zeros cut (frac > 0: a digit stays).
        const buf = this.buf;
        const p = this.pos;
        const hi = (frac / 10000) | 0;
        const rest = frac - hi * 10000;
        const mid = (rest / 100) | 0;
        const lo = rest - mid * 100;
        buf[p] = DOT;
        buf[p + 1] = PAIRS[2 * hi];
        buf[p + 2] = PAIRS[2 * hi + 1];
        buf[p + 3] = PAIRS[2 * mid];
        buf[p + 4] = PAIRS[2 * mid + 1];
        buf[p + 5] = PAIRS[2 * lo];
        buf[p + 6] = PAIRS[2 * lo + 1];
        let end = p + 7;
        while (buf[end - 1] === ZERO) end--;
        this.pos = end;
        return;
      }
    }
    this.text(num(x));
  }

  /** A non-negative or negative integer below 1e15 in magnitude, as String() writes it ("0" for -0). */
  private integer(x: number): void {
    if (x < 0) {
      this.buf[this.pos++] = MINUS;
      x = -x;
    }
    if (x < 10) {
      this.buf[this.pos++] = ZERO + x;
      return;
    }
    let digits = 1;
    for (let p = 10; p <= x; p *= 10) digits++;
    const end = this.pos + digits;
    const buf = this.buf;
    let i = end;
    if (x < 2147483648) {
      // int32 arithmetic, the common case (counts, replicas, whole seconds below 68 years), two
      // digits at a time.
      let v = x | 0;
      while (v >= 100) {
        const q = (v / 100) | 0;
        const r = v - q * 100;
        buf[--i] = PAIRS[2 * r + 1];
        buf[--i] = PAIRS[2 * r];
        v = q;
      }
      if (v >= 10) {
        buf[--i] = PAIRS[2 * v + 1];
        buf[--i] = PAIRS[2 * v];
      } else buf[--i] = ZERO + v;
    } else {
      for (; i > this.pos;) {
        const q = Math.floor(x / 10);
        buf[--i] = ZERO + (x - q * 10);
        x = q;
      }
    }
    this.pos = end;
  }

  private text(s: string): void {
    const bytes = Buffer.byteLength(s, 'utf8');
    if (this.pos + bytes > BLOCK) this.flush();
    if (bytes > BLOCK) writeSync(this.fd, s);
    else this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  flush(): void {
    if (this.pos > 0) writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
