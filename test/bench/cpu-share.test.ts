import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { competed, cpuMark, cpuShare } from './cpu-share.js';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

test(
  'cpu-share counts this process and its waited-for children as the bench, not as other processes',
  {
    skip: cpuMark() === null ? 'no /proc here' : false,
  },
  () => {
    const start = cpuMark()!;
    busy(300);
    // A child busy for 300 ms, waited for: its time is the bench's (cutime), as SimPy's and C's runs are.
    const child = spawnSync(process.execPath, [
      '-e',
      'const e = performance.now() + 300; while (performance.now() < e);',
    ]);
    assert.equal(child.status, 0);
    const end = cpuMark()!;
    const s = cpuShare(start, end);
    // About 0.6 core-s of our own and the child's work plus node's start-up (ticks are 10 ms).
    assert.ok(s.benchCoreSeconds >= 0.55 && s.benchCoreSeconds < 1.5, `bench ${s.benchCoreSeconds} core-s`);
    assert.ok(s.wallSeconds >= 0.6, `wall ${s.wallSeconds} s`);
    assert.ok(s.otherCoreSeconds >= 0);
  },
);

test('competed: more than 5% of one core on average, taken by others or by the hypervisor', () => {
  const base = { wallSeconds: 100, benchCoreSeconds: 150, otherCoreSeconds: 0, stealCoreSeconds: 0 };
  assert.equal(competed(base), false);
  assert.equal(competed({ ...base, otherCoreSeconds: 5 }), false);
  assert.equal(competed({ ...base, otherCoreSeconds: 5.1 }), true);
  assert.equal(competed({ ...base, stealCoreSeconds: 6 }), true);
});
