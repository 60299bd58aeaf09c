/** CsvFile formats numbers straight into bytes; they must be num()'s bytes and csvCell's, block after block. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { CsvFile, csvCell } from '../../src/report/csv-file.js';
import { num } from '../../src/report/format.js';

function values(): (number | null)[] {
  const rng = seedrandom.alea('csv-file');
  const xs: (number | null)[] = [null, NaN, 0, -0, 1, -1, 9, 10, 99, 100, 1e-7, -1e-7, 5e-7, 1e-6, -1e-6];
  xs.push(1e15 - 1, 1e15, -1e15, 1e21, -1.5e21, Infinity, -Infinity, 2147.4836475, 2147.4836485, 2 ** 31);
  for (let i = 0; i < 100_000; i++) {
    const mag = 10 ** Math.floor(rng() * 24 - 12);
    const sign = rng() < 0.3 ? -1 : 1;
    xs.push(sign * rng() * mag, sign * Math.floor(rng() * mag * 1e3));
    const k = Math.floor(rng() * 1e9) * sign;
    xs.push((k + 0.5) / 1e6, k / 1e6 + 5e-7, k / 1e6);
    xs.push(
      Math.floor(rng() * 1e6) / Math.floor(1 + rng() * 1e4),
      Math.pow(1.01, Math.floor(rng() * 2800) + 0.5) / 1e6,
    );
  }
  return xs;
}

test('CsvFile writes num() of each number and csvCell of each string, over many 64 KiB blocks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-csv-file-'));
  try {
    const path = join(dir, 'x.csv');
    const f = new CsvFile(path, ['a', 'b']);
    const want: string[] = ['a,b'];
    const xs = values();
    const names = ['car', 'with,comma', 'with "quote"', 'ünïcødé'];
    for (let i = 0; i < xs.length; i += 2) {
      // One cell longer than a block, once.
      const name = i === 5000 ? 'x'.repeat(70_000) : names[i % names.length];
      f.number(xs[i]);
      f.comma();
      f.cell(name);
      f.comma();
      f.number(xs[i + 1] ?? null);
      f.newline();
      if (i % 1000 === 0) f.add(`plain,${name}`);
      want.push(`${num(xs[i])},${csvCell(name)},${num(xs[i + 1] ?? null)}`);
      if (i % 1000 === 0) want.push(`plain,${name}`);
    }
    f.close();
    const got = readFileSync(path, 'utf8').split('\n');
    assert.equal(got.pop(), '');
    assert.equal(got.length, want.length);
    for (let i = 0; i < want.length; i++) assert.equal(got[i], want[i], `line ${i + 1}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
